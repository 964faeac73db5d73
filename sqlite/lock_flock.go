//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package sqlite

import (
	"fmt"
	"os"
	"syscall"
)

// lockFile creates and locks path exclusively, without waiting: one process
// (and one DB in it) uses a database file at a time. The kernel releases the
// lock when the process dies.
func lockFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	return f, nil
}

func unlockFile(f *os.File) {
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	f.Close()
}
