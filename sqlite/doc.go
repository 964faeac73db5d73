// Package sqlite is a durable flowy engine on one SQLite file.
//
// It runs the logic of package memory's engine, with a journal: every state
// change — one API call, one timer or timeout firing — appends its new
// history events (and type registrations, deprecations, run starts and
// closes) to the file as one batch, in the order the changes were made, and
// a call returns only once its batch is committed (polls excepted: they
// hand out tasks before their start is committed, which loses no result or
// decision). A writer goroutine commits all the batches queued so far in
// one transaction (group commit); a batch is never split across
// transactions. The file is in WAL mode.
//
// A process killed at any instant loses no result or decision a call
// returned: [Open] rebuilds the open runs from their histories, and they
// carry on — queued tasks are queued again, started activity tasks keep
// their tokens (a worker that outlived the restart can still complete its
// task, once, if its start was committed) and time out at their recorded times if their worker died,
// timers and timeouts fire at their original times. Closed runs stay in the
// file, readable through the engine, until the retention removes them.
//
// Several engines can share one file, one per domain: see [OpenDB] and
// [OpenDomain]. docs/sqlite.md in the repository describes the design, the
// durability guarantees and their limits, and the schema.
package sqlite
