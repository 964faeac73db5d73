package temporal

import (
	"context"
	"errors"
	"sync"
	"time"

	taskqueuepb "go.temporal.io/api/taskqueue/v1"
)

// pollTimeout bounds one long poll; the server answers an empty poll after
// about a minute.
const pollTimeout = 70 * time.Second

// A feed hands out the tasks of one task list (decision or activity tasks).
//
// Its long polls are shared by the callers of PollDecisionTask (or
// PollActivityTask) on the task list: while callers wait, the feed keeps at
// least as many polls in flight as there are callers, and at least one on
// each of its queues (the normal queue and, for decision tasks, the engine's
// sticky queue). A task that arrives when no caller waits (a poll that
// outlived its caller, the first decision task of a workflow this engine
// started eagerly) is kept for the next caller. When the last
// caller leaves because its context ended (a worker stopping), the feed
// cancels its polls, as a stopping SWF or Temporal SDK worker does, so that
// no task is taken on behalf of a worker that is gone.
type feed[T any] struct {
	e    *Engine
	poll func(ctx context.Context, q *taskqueuepb.TaskQueue, identity string) (T, bool, error)

	mu       sync.Mutex
	ready    []item[T]      // tasks (or errors) that no caller took yet
	waiters  []chan item[T] // callers waiting, first come first served
	sources  []*source      // queues polled
	identity string         // of the latest caller, for new polls
	failures int            // polls failed in a row: new polls wait a little
	// pollCtx is the context of the polls in flight; canceled when the last
	// caller leaves.
	pollCtx    context.Context
	pollCancel context.CancelFunc
}

type item[T any] struct {
	task T
	err  error
}

type source struct {
	queue    *taskqueuepb.TaskQueue
	inflight int
}

func newFeed[T any](e *Engine, poll func(context.Context, *taskqueuepb.TaskQueue, string) (T, bool, error), queues ...*taskqueuepb.TaskQueue) *feed[T] {
	f := &feed[T]{e: e, poll: poll}
	for _, q := range queues {
		f.sources = append(f.sources, &source{queue: q})
	}
	return f
}

// get returns the next task. It returns (zero, false, nil) when ctx ends
// first, and an error wrapping engine.ErrClosed once the engine is closed.
func (f *feed[T]) get(ctx context.Context, identity string) (T, bool, error) {
	var zero T
	f.mu.Lock()
	if identity != "" {
		f.identity = identity
	}
	if len(f.ready) > 0 {
		it := f.ready[0]
		f.ready[0] = item[T]{}
		f.ready = f.ready[1:]
		f.mu.Unlock()
		return it.task, it.err == nil, it.err
	}
	ch := make(chan item[T], 1)
	f.waiters = append(f.waiters, ch)
	f.spawnLocked()
	f.mu.Unlock()
	select {
	case it := <-ch:
		return it.task, it.err == nil, it.err
	case <-ctx.Done():
	case <-f.e.ctx.Done():
	}
	f.mu.Lock()
	removed := false
	for i, w := range f.waiters {
		if w == ch {
			f.waiters = append(f.waiters[:i], f.waiters[i+1:]...)
			removed = true
			break
		}
	}
	if len(f.waiters) == 0 && f.pollCancel != nil {
		f.pollCancel()
		f.pollCtx, f.pollCancel = nil, nil
	}
	f.mu.Unlock()
	if !removed {
		// A task came at the same time: pass it on.
		if it := <-ch; it.err == nil {
			f.offer(it.task, true)
		}
	}
	if f.e.ctx.Err() != nil {
		return zero, false, errClosed
	}
	return zero, false, nil
}

// offer hands a task to the first waiting caller, or keeps it for the next
// one (at the front of the queue if front).
func (f *feed[T]) offer(task T, front bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deliverLocked(item[T]{task: task}, front)
}

func (f *feed[T]) deliverLocked(it item[T], front bool) {
	if f.e.ctx.Err() != nil {
		return
	}
	if len(f.waiters) > 0 {
		w := f.waiters[0]
		f.waiters = f.waiters[1:]
		w <- it
		return
	}
	if it.err != nil {
		return // nobody to tell
	}
	if front {
		f.ready = append([]item[T]{it}, f.ready...)
	} else {
		f.ready = append(f.ready, it)
	}
}

// spawnLocked starts polls until there are as many in flight as callers
// waiting, and one at least on each queue.
func (f *feed[T]) spawnLocked() {
	for len(f.waiters) > 0 {
		total := 0
		var least *source
		for _, s := range f.sources {
			total += s.inflight
			if least == nil || s.inflight < least.inflight {
				least = s
			}
		}
		if total >= len(f.waiters) && least.inflight > 0 {
			return
		}
		if !f.e.startPoll() {
			return
		}
		if f.pollCtx == nil {
			f.pollCtx, f.pollCancel = context.WithCancel(f.e.ctx)
		}
		least.inflight++
		go f.run(f.pollCtx, least, f.identity, time.Duration(min(f.failures, 10))*100*time.Millisecond)
	}
}

// run is one long poll, after a delay.
func (f *feed[T]) run(pctx context.Context, s *source, identity string, delay time.Duration) {
	defer f.e.polls.Done()
	if delay > 0 {
		t := time.NewTimer(delay)
		select {
		case <-t.C:
		case <-pctx.Done():
			t.Stop()
		}
	}
	var task T
	var ok bool
	var err error
	if pctx.Err() == nil {
		ctx, cancel := context.WithTimeout(pctx, pollTimeout)
		task, ok, err = f.poll(ctx, s.queue, identity)
		cancel()
	}
	if errors.Is(err, context.DeadlineExceeded) || pctx.Err() != nil {
		err = nil // an expired or canceled poll is an empty poll
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	s.inflight--
	if f.e.ctx.Err() != nil {
		return
	}
	switch {
	case err != nil:
		f.failures++
		f.e.log.Debug("temporal: poll failed", "queue", s.queue.GetName(), "err", err)
		f.deliverLocked(item[T]{err: err}, false)
	case ok:
		f.failures = 0
		f.deliverLocked(item[T]{task: task}, false)
	default:
		f.failures = 0
	}
	f.spawnLocked()
}

// startPoll counts a new poll, unless the engine is closed.
func (e *Engine) startPoll() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return false
	}
	e.polls.Add(1)
	return true
}
