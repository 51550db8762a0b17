package storage

// FilesOpened returns how many Parquet files scans of s have opened (for tests outside the package).
func FilesOpened(s *Store) int64 { return s.filesOpened.Load() }
