//go:build !unix

package storage

import "os"

// lockStore opens the lock file; without flock, concurrent ingests into one store are not serialized here.
func lockStore(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_RDWR, 0o644)
}

// isSyncUnsupported reports whether a directory sync failed only because the platform cannot do it
// (Windows cannot sync directories).
func isSyncUnsupported(err error) bool { return true }
