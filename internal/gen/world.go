package gen

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// World is the organisation the data describes: its tenant, users and the sites they visit. Tables generated
// from the same seed share it, so that rows can be joined across tables (a user who got a mail clicks its link).
type World struct {
	TenantID string
	Domain   string // the organisation's mail domain
	Users    []User
}

// User is one mailbox owner.
type User struct {
	UPN string
	// Activity weights how often this user appears (a few people click far more than others).
	Activity float64
	// HomeIPv4 and HomeIPv6 are the public addresses the user usually clicks from.
	HomeIPv4 string
	HomeIPv6 string
}

var firstNames = []string{
	"alex", "megan", "adele", "diego", "isaiah", "joni", "lee", "lidia", "lynne", "miriam", "nestor", "patti",
	"pradeep", "grady", "johanna", "henrietta", "irvin", "allan", "christie", "debra", "emily", "enrico", "raul",
	"sanjay", "wen", "yuki", "amara", "tomas", "ingrid", "kofi",
}

var lastNames = []string{
	"wilber", "bowen", "vance", "siciliani", "langer", "sherman", "gu", "holloway", "robbins", "patterson", "wilke",
	"fernandez", "gupta", "archie", "lampert", "mueller", "bellew", "deyoung", "cline", "johnson", "braun", "groth",
	"quinn", "rao", "chen", "tanaka", "okafor", "novak", "berg", "mensah",
}

// newWorld draws the organisation from r.
func newWorld(r *rand.Rand) *World {
	w := &World{TenantID: newGUID(r), Domain: "contoso.com"}
	seen := map[string]bool{}
	for len(w.Users) < 48 {
		upn := firstNames[r.IntN(len(firstNames))] + "." + lastNames[r.IntN(len(lastNames))] + "@" + w.Domain
		if seen[upn] {
			continue
		}
		seen[upn] = true
		w.Users = append(w.Users, User{
			UPN:      upn,
			Activity: 0.3 + r.ExpFloat64(),
			HomeIPv4: publicIPv4(r),
			HomeIPv6: documentationIPv6(r),
		})
	}
	return w
}

// pickUser returns a user, favouring the more active ones.
func (w *World) pickUser(r *rand.Rand) *User {
	total := 0.0
	for _, u := range w.Users {
		total += u.Activity
	}
	x := r.Float64() * total
	for i := range w.Users {
		x -= w.Users[i].Activity
		if x <= 0 {
			return &w.Users[i]
		}
	}
	return &w.Users[len(w.Users)-1]
}

// newGUID returns a random version-4 style GUID in canonical lower-case form.
func newGUID(r *rand.Rand) string {
	var b [16]byte
	for i := 0; i < 16; i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// exchangeID returns an id shaped like Exchange's NetworkMessageId/ReportId (a GUID whose tail starts 08de).
func exchangeID(r *rand.Rand) string {
	g := newGUID(r)
	return g[:24] + "08de" + g[28:]
}

// publicIPv4 returns an address from the documentation ranges (RFC 5737), so no real host is named.
func publicIPv4(r *rand.Rand) string {
	prefixes := []string{"192.0.2", "198.51.100", "203.0.113"}
	return fmt.Sprintf("%s.%d", prefixes[r.IntN(len(prefixes))], 1+r.IntN(254))
}

// documentationIPv6 returns an address in 2001:db8::/32 (RFC 3849).
func documentationIPv6(r *rand.Rand) string {
	return fmt.Sprintf("2001:db8:%x:%x::%x", r.IntN(0x10000), r.IntN(0x10000), 1+r.IntN(0xffff))
}

// slug returns n random lower-case letters and digits.
func slug(r *rand.Rand, n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte(alphabet[r.IntN(len(alphabet))])
	}
	return b.String()
}
