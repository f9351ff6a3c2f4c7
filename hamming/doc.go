// Package hamming finds, exactly, every stored 256-bit code within a Hamming radius of a query:
// the matching engine behind PDQ hash lists, where two photos match when their hashes differ in
// at most 31 bits.
//
// # Design
//
// The index is multi-index hashing (Norouzi, Punjani and Fleet, 2012). Each code is split into m
// disjoint chunks, and one table per chunk maps a chunk value to the codes that have it. By the
// pigeonhole principle, a code within radius r of a query agrees closely with it on at least one
// chunk, so probing each table at the chunk values near the query's finds every candidate, and
// comparing candidates' full codes makes the result exact. The chunk count depends on the number
// of codes: at 10M codes, 11 chunks of 23 and 24 bits (see layout.go for why not the textbook 16
// chunks of 16 bits, and for the cost model that picks the split and the probe radius of each
// table for each search radius, falling back to a linear scan when that is cheaper).
//
// Searching is limited by cache misses, not arithmetic: a 10M-code index takes about 900 MB, and
// nearly every bucket and candidate is a miss. Searches therefore run as passes of independent
// loads that keep many misses in flight (see search.go), the tables are packed so that memory
// buys wider chunks (see table.go), and on Linux the arrays live in 2 MiB pages (see arena.go).
//
// The index is a list of immutable segments plus a small delta of recent additions, searched
// linearly (see index.go). Adding freezes the delta into a segment when it fills; segments are
// merged in the background (see merge.go); removal marks a tombstone. Searches read the current
// state through an atomic pointer and never wait for writers. Snapshots write the segments as
// they are, so loading reads arrays instead of building tables (see snapshot.go).
//
// # Figures
//
// On the reference machine (2-core AMD EPYC VM), at 10M uniformly random codes and radius 31,
// with both cores: about 16,000 single-code searches per second and 2,000 with 8 codes per
// search, 910 MiB resident, a build in about 5 seconds and a snapshot load in about 0.3. Adding
// 10,000 codes while searching takes milliseconds and costs searches a few per cent. The machine
// is shared and its speed varies by up to a factor of two from one run to the next. `vigil bench
// match` reproduces these figures through Bench.
package hamming
