// Package swfwire is the JSON wire format of Amazon SWF (the "awsJson1_0"
// protocol of its API, target prefix "SimpleWorkflowService."): the request
// and response bodies of the operations flowy serves or calls, history events
// and decisions, faults, and their conversions from and to the shapes of
// package engine.
//
// It is shared by the SWF protocol server (package swfserver) and, later, by
// a client-side engine that talks to Amazon SWF, so it knows nothing about
// HTTP, signing or engines' behaviour: only shapes and conversions.
//
// # Conventions of the wire
//
//   - Field names are SWF's (lower camel case); optional fields are omitted
//     when empty, as SWF omits them. Required integer fields (event ids) are
//     always written, even when zero, as SWF writes them.
//   - Durations are strings of whole seconds ("30"), "NONE" for no limit.
//     [FormatDuration] rounds a sub-second remainder up, so a timeout is never
//     shortened; [engine.NoTimeout] is "NONE" and zero ("the default") is an
//     absent field.
//   - Timestamps are numbers of seconds since the Unix epoch with a fraction
//     ([Timestamp]). SWF writes milliseconds (1.468840287197E9); this package
//     writes the exact nanoseconds of a time in plain decimal notation and
//     reads both forms exactly.
//   - Task lists are {"name": ...}, types {"name", "version"} and executions
//     {"workflowId", "runId"}.
//   - A history event is {"eventId", "eventTimestamp", "eventType"} plus one
//     attributes member named after its type
//     ("activityTaskCompletedEventAttributes"); a decision is
//     {"decisionType"} plus one "<type>DecisionAttributes" member.
//
// Conversions ([EventToWire], [EventFromWire], [DecisionToWire],
// [DecisionFromWire]) cover every event and decision type of package engine.
// SWF event and decision types that package engine does not have (markers,
// timer cancellation, Lambda functions, ...) are reported with errors
// wrapping [ErrUnsupported], so a caller can tell them from malformed input.
package swfwire
