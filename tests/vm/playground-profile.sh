# shellcheck shell=bash
# playground-profile.sh - the login profile of the playground's root shell
# (run-vm.sh --shell).  stage2.sh points the guest's /root/.bash_profile
# here, in the guest's overlay only, after Debian's /etc/profile; the
# host root's own dotfiles are not read.  CTK_TOP is the toolkit's tree.

CTK_TOP=${CTK_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
export PATH="$CTK_TOP/build/bin:$CTK_TOP/labs:$PATH"
PS1='(playground) \u@\h:\w\$ '

# No init system to ask: PID 1 (stage2.sh) powers the guest off on
# SIGUSR1.  Exported, so that shells started from this one have it too.
poweroff() {
	echo "powering off (nothing done here is kept)"
	kill -USR1 1
	sleep 30
}
halt() { poweroff; }
export -f poweroff halt

cd "$CTK_TOP" || true
