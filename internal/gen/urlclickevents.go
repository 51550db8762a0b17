package gen

import (
	"fmt"
	"math/rand/v2"
	"time"
)

func init() { register(urlClickEvents{}) }

// urlClickEvents makes Safe Links click events (UrlClickEvents).
type urlClickEvents struct{}

func (urlClickEvents) Table() string { return "UrlClickEvents" }

// maliciousShare is the share of clicks on a malicious link on an ordinary day.
const maliciousShare = 0.08

// tenantBlockedShare is the share of clicks stopped by the tenant's own block list.
const tenantBlockedShare = 0.025

func (urlClickEvents) DayTraits(r *rand.Rand, day time.Time) DayTraits {
	if r.Float64() < 0.12 {
		// A phishing campaign lands in mailboxes: blocked clicks spike on one lure domain.
		return DayTraits{ThreatBoost: 2.5 + 2.5*r.Float64(), Campaign: campaignDomain(r)}
	}
	return DayTraits{ThreatBoost: 0.7 + 0.6*r.Float64()}
}

var lureWords = []string{"invoice", "docusign", "payroll", "sharepoint", "voicemail", "mfa", "benefits", "delivery", "o365", "secure"}

func campaignDomain(r *rand.Rand) string {
	return fmt.Sprintf("%s-%s-%s.example.net", lureWords[r.IntN(len(lureWords))], slug(r, 4), lureWords[r.IntN(len(lureWords))])
}

// maliciousHosts are look-alike hosts seen on ordinary days; all under example domains.
var maliciousHosts = []string{
	"login-micros0ft-verify.example.net", "secure-docs-review.example.com", "0ffice365-auth.example.net",
	"payroll-update.example.org", "shared-file-viewer.example.net", "mailbox-quota-alert.example.com",
}

// blockListHosts are hosts the tenant blocks by policy (Tenant Allow/Block List).
var blockListHosts = []string{"files.example-share.net", "free-converter.example.org", "bit.example.link"}

// benignURL returns a plausible everyday link and its redirect chain.
func benignURL(r *rand.Rand, w *World) (string, []string) {
	switch r.IntN(8) {
	case 0:
		u := fmt.Sprintf("https://contoso.sharepoint.com/sites/%s/Shared%%20Documents/%s.docx",
			[]string{"Finance", "HR", "Sales", "Engineering", "Marketing"}[r.IntN(5)], slug(r, 8))
		return u, []string{u}
	case 1:
		u := fmt.Sprintf("https://teams.microsoft.com/l/meetup-join/19%%3ameeting_%s%%40thread.v2/0", slug(r, 24))
		return u, []string{u}
	case 2:
		u := fmt.Sprintf("https://links.example-mailer.net/ls/click?upn=u%03d.%s", r.IntN(1000), slug(r, 10))
		landing := fmt.Sprintf("https://www.example.org/%s", []string{"welcome", "news", "offers", "events"}[r.IntN(4)])
		return u, []string{u, landing}
	case 3:
		u := fmt.Sprintf("https://github.com/contoso/%s/pull/%d", []string{"billing", "web", "infra", "docs"}[r.IntN(4)], 1+r.IntN(2000))
		return u, []string{u}
	case 4:
		u := fmt.Sprintf("https://learn.microsoft.com/en-us/azure/%s", []string{"sentinel/overview", "defender-for-cloud/", "virtual-machines/"}[r.IntN(3)])
		return u, []string{u}
	case 5:
		u := fmt.Sprintf("https://contoso-my.sharepoint.com/:x:/g/personal/%s/E%s?e=%s", w.Users[r.IntN(len(w.Users))].UPN[:5], slug(r, 20), slug(r, 6))
		return u, []string{u}
	case 6:
		u := fmt.Sprintf("https://www.linkedin.com/comm/jobs/view/%d", 3000000000+r.IntN(900000000))
		return u, []string{u}
	default:
		u := fmt.Sprintf("https://zoom.example.us/j/%d?pwd=%s", 80000000000+r.IntN(9999999999), slug(r, 16))
		return u, []string{u}
	}
}

func maliciousURL(r *rand.Rand, host string) (string, []string) {
	u := fmt.Sprintf("http://%s/%s?id=%s", host, []string{"session", "login", "verify", "doc/view", "auth"}[r.IntN(5)], slug(r, 12))
	if r.IntN(3) == 0 {
		// Lures often hop through a redirector first.
		first := fmt.Sprintf("https://redirect.example-tracker.com/r/%s", slug(r, 10))
		return first, []string{first, u}
	}
	return u, []string{u}
}

// verdict is the Safe Links outcome of one click.
type verdict struct {
	action           string
	threatTypes      any // string or nil
	detectionMethods any // JSON text or nil
	clickedThrough   bool
}

var detectionByThreat = map[string][]string{
	"Phish":   {"URL detonation reputation", "URL malicious reputation", "Advanced filter", "Campaign"},
	"Malware": {"URL detonation", "URL malicious reputation", "File detonation"},
	"Spam":    {"Spam filter"},
}

func (urlClickEvents) Row(r *rand.Rand, w *World, ts time.Time, day DayTraits) []Property {
	user := w.pickUser(r)
	workload := "Email"
	switch x := r.Float64(); {
	case x < 0.18:
		workload = "Teams"
	case x < 0.27:
		workload = "Office"
	}

	var url string
	var chain []string
	var v verdict
	switch x := r.Float64(); {
	case x < maliciousShare*day.ThreatBoost:
		host := maliciousHosts[r.IntN(len(maliciousHosts))]
		if day.Campaign != "" && r.Float64() < 0.7 {
			host = day.Campaign
		}
		url, chain = maliciousURL(r, host)
		threat := "Phish"
		if y := r.Float64(); y < 0.2 {
			threat = "Malware"
		} else if y < 0.25 {
			threat = "Spam"
		}
		methods := detectionByThreat[threat]
		detection := jsonText(map[string][]string{threat: {methods[r.IntN(len(methods))]}})
		switch y := r.Float64(); {
		case y < 0.88:
			v = verdict{action: "ClickBlocked", threatTypes: threat, detectionMethods: detection, clickedThrough: r.Float64() < 0.05}
		case y < 0.94:
			v = verdict{action: "UrlScanInProgress"}
		default:
			// Not yet known as bad at the time of the click.
			v = verdict{action: "ClickAllowed"}
		}
	case x < maliciousShare*day.ThreatBoost+tenantBlockedShare:
		url, chain = maliciousURL(r, blockListHosts[r.IntN(len(blockListHosts))])
		v = verdict{action: "ClickBlockedByTenantPolicy"}
	default:
		url, chain = benignURL(r, w)
		switch y := r.Float64(); {
		case y < 0.945:
			v = verdict{action: "ClickAllowed"}
		case y < 0.98:
			v = verdict{action: "UrlScanInProgress"}
		default:
			v = verdict{action: "UrlErrorPage"}
		}
	}
	// Some exporters write "" where the service wrote null.
	if v.threatTypes == nil && r.IntN(12) == 0 {
		v.threatTypes, v.detectionMethods = "", ""
	}

	messageID := ""
	if workload == "Email" {
		messageID = exchangeID(r)
	}
	ip := user.HomeIPv4
	switch x := r.Float64(); {
	case x < 0.22:
		ip = user.HomeIPv6
	case x < 0.32:
		ip = publicIPv4(r) // travelling, or a mobile network
	}
	props := []Property{
		{"Timestamp", formatTicks(ts, timestampDigits(r))},
		{"Url", url},
		{"ActionType", v.action},
		{"AccountUpn", user.UPN},
		{"Workload", workload},
		{"NetworkMessageId", messageID},
		{"ThreatTypes", v.threatTypes},
		{"DetectionMethods", v.detectionMethods},
		{"IPAddress", ip},
		{"IsClickedThrough", v.clickedThrough},
		{"UrlChain", urlChainText(chain)},
		{"ReportId", exchangeID(r)},
	}
	// Columns the documented schema does not list, present on some rows as in real exports.
	switch r.IntN(4) {
	case 0:
		app := map[string]string{"Email": "Mail", "Teams": "Teams", "Office": "Word"}[workload]
		props = append(props, Property{"AppName", app}, Property{"AppVersion", "0.0.0000"}, Property{"SourceId", messageID})
	case 1:
		props = append(props, Property{"UrlChainId", newGUID(r)}, Property{"UrlChainPosition", int64(len(chain) - 1)},
			Property{"IsFirstContact", r.IntN(5) == 0})
	}
	if r.IntN(20) == 0 {
		props = append(props, Property{"__UDI_RequiredFields_TenantId", w.TenantID})
	}
	return props
}

// timestampDigits says how many fractional digits a Timestamp is written with: usually 7, sometimes fewer.
func timestampDigits(r *rand.Rand) int {
	switch r.IntN(10) {
	case 0:
		return 0
	case 1:
		return 3
	}
	return 7
}

// urlChainText writes the chain as JSON text in the export's spacing (`["a", "b"]`).
func urlChainText(chain []string) string {
	s := "["
	for i, u := range chain {
		if i > 0 {
			s += ", "
		}
		s += jsonText(u)
	}
	return s + "]"
}
