//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package sqlite

import "os"

// lockFile does nothing where flock is missing: the caller must make sure
// that one process at a time uses a database file.
func lockFile(path string) (*os.File, error) { return nil, nil }

func unlockFile(f *os.File) {}
