// Package faulttest holds the fault test of issue 3: workflows of every
// shape run on flowy server (sqlite engine) with worker processes talking to
// it over the SWF protocol, while the server and the workers are killed with
// SIGKILL at random moments and restarted; every workflow must finish with
// its correct result, and no activity completion may be recorded twice.
//
// It has only tests. `go test ./internal/faulttest/` runs a bounded form
// (200 workflows, about a minute); FLOWY_SOAK=1 runs a longer one.
package faulttest
