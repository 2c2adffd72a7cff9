#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Copyright 2026 The mod_auth_sso authors; see LICENSE and NOTICE.
"""How many sessions an SSOSessionCache shmcb:...(SIZE) holds without
dropping any early (bench/README.md, "Capacity").

    bench/shmcb-capacity.py [SESSIONS [MIB ...]]   default: 100000, 32..64 MiB

The layout follows httpd's mod_socache_shmcb (socache_shmcb_init) and
mod_auth_sso's sharding (src/mod_auth_sso_config.c: shards of 512 KiB, at
most 64; a key's second byte picks the shard, its first byte shmcb's
index list). Each list has a fixed number of index entries; random keys
fill the lists unevenly, and a full list drops its oldest session even
while others have room. The expected loss is simulated.
"""
import random
import sys

SHMCB_HEADER = 88          # sizeof(SHMCBHeader) on x86_64
SHMCB_INDEX = 24           # sizeof(SHMCBIndex)
SHMCB_SUBCACHE = 16        # sizeof(SHMCBSubcache)
HINT = 256 + 32            # mod_auth_sso's avg_obj_size + avg_id_len hints
ENTRY = 204 + 32           # a 3-group session record and its key
SHARD, SHARDS_MAX = 512 * 1024, 64


def layout(size):
    seg = size - SHMCB_HEADER
    num_idx = seg // HINT
    lists = 256
    while num_idx // lists < 2 * lists:
        lists //= 2
    per_list = num_idx // lists
    data = ((seg // lists) & ~7) - SHMCB_SUBCACHE - per_list * SHMCB_INDEX
    return lists, min(per_list, data // ENTRY)


def simulate(size, sessions, trials):
    shards = 1 if size < 2 * SHARD else min(SHARDS_MAX, size // SHARD)
    lists, cap = layout(size // shards)
    bins = shards * lists
    lost = runs = 0
    for _ in range(trials):
        count = [0] * bins
        for _ in range(sessions):
            count[random.randrange(bins)] += 1
        extra = sum(max(0, c - cap) for c in count)
        lost += extra
        runs += extra > 0
    return shards, lists, cap, lost / trials, runs / trials


def main():
    sessions = int(sys.argv[1]) if len(sys.argv) > 1 else 100000
    sizes = [int(x) for x in sys.argv[2:]] or [32, 36, 40, 44, 48, 56, 64]
    print(f"{sessions} sessions of {ENTRY} bytes (record + key)")
    print("  MiB  shards  lists/shard  entries/list  capacity  lost early (mean)  runs losing any")
    for mib in sizes:
        sh, li, cap, lost, runs = simulate(mib * 1048576, sessions, 40)
        print(f"{mib:5d}  {sh:6d}  {li:11d}  {cap:12d}  {sh * li * cap:8d}  {lost:17.1f}  {runs:15.0%}")


if __name__ == "__main__":
    main()
