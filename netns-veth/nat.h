/*
 * nat.h - outbound NAT (masquerade) and port publishing (DNAT) as a
 * container runtime sets them up, in an nftables table of the tool's own,
 * built from raw nfnetlink messages (lib/netlink.h).
 */
#ifndef CTK_NAT_H
#define CTK_NAT_H

#include <stdint.h>
#include <stdio.h>

/* The one table the tool touches: nft list table ip ctk. */
#define NAT_TABLE	"ctk"

/*
 * Masquerade: packets from net/prefix (IPv4, host byte order) leaving
 * through any interface but keep_if get the address of the interface they
 * leave by.  Makes the table and its chains on first use and turns on
 * net.ipv4.ip_forward (the table remembers the old value).  The rule's
 * comment starts with "owner:".  0 or -1 (reported).
 */
int nat_masquerade(const char *owner, uint32_t net, int prefix,
		   const char *keep_if);

/* Publish: TCP (proto 6) or UDP (17) to any local address of this host on
 * hport goes to addr:port (IPv4, host byte order).  0 or -1 (reported). */
int nat_publish(const char *owner, int proto, uint16_t hport, uint32_t addr,
		uint16_t port);

/* Delete owner's rules; the table too when none is left, restoring
 * ip_forward.  Number of rules deleted, or -1 (reported). */
int nat_remove(const char *owner);

/* Delete the whole table.  Number of rules it held, or -1 (reported). */
int nat_remove_all(void);

/* 1 if a rule of owner's comment contains what (e.g. ": masquerade" or
 * ": tcp 8080 "; owner NULL: anyone's), its comment in found; 0 if none;
 * -1 (reported). */
int nat_find(const char *owner, const char *what, char *found, size_t size);

/* 1 if a socket of this host (this network namespace) holds proto's
 * hport, so that a published rule would hide it: bind(2) to it on any
 * address fails with EADDRINUSE (SO_REUSEADDR, so a TIME_WAIT does not
 * count), with what to run to see the holder in why; 0 if free or
 * unknown. */
int nat_port_busy(int proto, uint16_t hport, char *why, size_t size);

/* Print the table's rules on f, one per line.  0 or -1 (reported). */
int nat_list(FILE *f);

#endif
