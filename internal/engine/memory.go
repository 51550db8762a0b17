package engine

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"sync"
)

// fallbackMemoryLimit is the default limit when the machine's memory cannot be read.
const fallbackMemoryLimit = 4 << 30

var (
	defaultLimitOnce sync.Once
	defaultLimit     int64
)

// DefaultMaxMemory returns the memory limit a query gets when Options.MaxMemory is 0: half the machine's
// memory (MemTotal of /proc/meminfo), or 4 GiB where that cannot be read.
func DefaultMaxMemory() int64 {
	defaultLimitOnce.Do(func() {
		defaultLimit = fallbackMemoryLimit
		if total := memTotal("/proc/meminfo"); total > 0 {
			defaultLimit = total / 2
		}
	})
	return defaultLimit
}

// memTotal reads MemTotal (in bytes) from a meminfo file, or returns 0.
func memTotal(path string) int64 {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == "MemTotal:" {
			kib, err := strconv.ParseInt(fields[1], 10, 64)
			if err != nil || kib <= 0 {
				return 0
			}
			return kib * 1024
		}
	}
	return 0
}

// memoryLimit resolves Options.MaxMemory: 0 is the default, negative is no limit.
func (o Options) memoryLimit() int64 {
	switch {
	case o.MaxMemory < 0:
		return 0
	case o.MaxMemory == 0:
		return DefaultMaxMemory()
	}
	return o.MaxMemory
}
