package memory

import (
	"context"
)

// deque is a FIFO ring buffer that also accepts items at the front (a task a
// poller gave back goes first again).
type deque[T any] struct {
	buf  []T
	head int
	n    int
}

func (q *deque[T]) len() int { return q.n }

func (q *deque[T]) grow() {
	nb := make([]T, max(8, 2*len(q.buf)))
	for i := 0; i < q.n; i++ {
		nb[i] = q.buf[(q.head+i)%len(q.buf)]
	}
	q.buf, q.head = nb, 0
}

func (q *deque[T]) pushBack(x T) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.buf[(q.head+q.n)%len(q.buf)] = x
	q.n++
}

func (q *deque[T]) pushFront(x T) {
	if q.n == len(q.buf) {
		q.grow()
	}
	q.head = (q.head - 1 + len(q.buf)) % len(q.buf)
	q.buf[q.head] = x
	q.n++
}

func (q *deque[T]) popFront() (T, bool) {
	var zero T
	if q.n == 0 {
		return zero, false
	}
	x := q.buf[q.head]
	q.buf[q.head] = zero
	q.head = (q.head + 1) % len(q.buf)
	q.n--
	return x, true
}

// waiter is one blocked poll. A task is handed to it by sending on ch (buffered,
// so the sender never blocks); handed records that under the engine lock.
type waiter[T any] struct {
	ch         chan T
	handed     bool
	prev, next *waiter[T]
}

// taskList is one task list of one kind (decision or activity): the queued
// tasks and the polls waiting for one. When a task arrives and a poll waits,
// the task goes straight to the longest-waiting poll. All fields are guarded
// by the engine lock.
type taskList[T any] struct {
	queue      deque[T]
	head, tail *waiter[T] // waiting polls, oldest first
	// pending counts the tasks of this list that are scheduled and not yet
	// started (queued, or on their way to a poll): incremented when one is
	// scheduled, decremented when it starts or closes unstarted.
	pending int
}

func (l *taskList[T]) addWaiter() *waiter[T] {
	w := &waiter[T]{ch: make(chan T, 1)}
	w.prev = l.tail
	if l.tail != nil {
		l.tail.next = w
	} else {
		l.head = w
	}
	l.tail = w
	return w
}

func (l *taskList[T]) removeWaiter(w *waiter[T]) {
	if w.prev != nil {
		w.prev.next = w.next
	} else {
		l.head = w.next
	}
	if w.next != nil {
		w.next.prev = w.prev
	} else {
		l.tail = w.prev
	}
	w.prev, w.next = nil, nil
}

// offer hands x to the oldest waiting poll or queues it (at the front when
// front is set).
func (l *taskList[T]) offer(x T, front bool) {
	if w := l.head; w != nil {
		l.removeWaiter(w)
		w.handed = true
		w.ch <- x
		return
	}
	if front {
		l.queue.pushFront(x)
	} else {
		l.queue.pushBack(x)
	}
}

// poll takes a valid task from l, waiting for one until ctx ends or the
// engine closes. valid reports whether a queued task can still be handed out
// (it may have timed out or its run may have closed since it was queued);
// start hands it out (records the started event) and builds the result. Both
// run under the engine lock. poll returns (nil, nil) when ctx ends first.
//
// With a journal, poll hands the task out without waiting for its started
// event to be durable. That loses no guarantee: the answer to the task (a
// completion, a failure, decisions) is durable only once the started event
// is, since batches are committed in order; if the engine dies first, the
// task is handed out again after a restore (a started decision task is
// scheduled again anyway, and an activity runs at least once anyway). What
// it saves is one wait for a commit per task, which is most of the cost of
// a task on a journaled engine.
func poll[T any, R any](ctx context.Context, e *Engine, list func() *taskList[T], valid func(T) bool, start func(T) *R) (*R, error) {
	e.mu.Lock()
	if e.closed {
		e.mu.Unlock()
		return nil, errClosed
	}
	l := list()
	for {
		if ctx.Err() != nil {
			e.mu.Unlock()
			return nil, nil
		}
		for l.queue.len() > 0 {
			x, _ := l.queue.popFront()
			if valid(x) {
				l.pending--
				res := start(x)
				e.unlock()
				return res, nil
			}
		}
		w := l.addWaiter()
		e.mu.Unlock()
		select {
		case x := <-w.ch:
			e.mu.Lock()
			if e.closed {
				e.mu.Unlock()
				return nil, errClosed
			}
			if valid(x) {
				l.pending--
				res := start(x)
				e.unlock()
				return res, nil
			}
			// The task closed while on its way; wait for another.
		case <-ctx.Done():
			e.mu.Lock()
			if w.handed {
				// A task was handed to this poll as it gave up: pass it on.
				if x := <-w.ch; !e.closed && valid(x) {
					l.offer(x, true)
				}
			} else {
				l.removeWaiter(w)
			}
			e.mu.Unlock()
			return nil, nil
		case <-e.done:
			return nil, errClosed
		}
	}
}
