//go:build !dogapi_stats

package main

// Built without -tags dogapi_stats (a libdogapi without the dog_stats_* API): no stats part.
const haveStats = false

func recordStats() error { return nil }
