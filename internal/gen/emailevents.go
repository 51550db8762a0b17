package gen

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"
)

func init() { register(emailEvents{}) }

// emailEvents makes mail flow events (EmailEvents): one row per message and recipient.
type emailEvents struct{}

func (emailEvents) Table() string { return "EmailEvents" }

func (emailEvents) DayTraits(r *rand.Rand, day time.Time) DayTraits {
	if r.Float64() < 0.12 {
		return DayTraits{ThreatBoost: 2.5 + 2.5*r.Float64(), Campaign: campaignDomain(r)}
	}
	return DayTraits{ThreatBoost: 0.7 + 0.6*r.Float64()}
}

// externalSender is a legitimate outside sender.
type externalSender struct {
	address, display, subject string
}

var externalSenders = []externalSender{
	{"news@example-mailer.net", "Example Mailer", "Your weekly digest"},
	{"billing@partner.example.com", "Partner Billing", "Invoice for November"},
	{"noreply@travel.example.org", "Travel Desk", "Your itinerary"},
	{"events@conference.example.net", "Conference Team", "Your ticket and agenda"},
	{"support@saas.example.com", "SaaS Support", "Ticket updated"},
	{"hr@benefits.example.org", "Benefits Portal", "Open enrollment reminder"},
}

var lureSubjects = []string{
	"Action required: verify your mailbox", "You have a new voicemail", "Shared document: Q4 payroll adjustments",
	"Your password expires today", "DocuSign: please review and sign", "Delivery failed: reschedule your parcel",
}

var internalSubjects = []string{"Team sync notes", "Re: budget review", "Draft for comments", "Lunch on Friday?", "Release checklist"}

// objectID returns a stable Entra object id for a user without drawing from the shared random stream
// (so that adding a table does not change what the other tables generate).
func objectID(w *World, upn string) string {
	h := fnv.New64a()
	h.Write([]byte(w.TenantID + "/" + upn))
	return newGUID(rand.New(rand.NewPCG(h.Sum64(), 0x6f626a656374))) // "object"
}

func (emailEvents) Row(r *rand.Rand, w *World, ts time.Time, day DayTraits) []Property {
	recipient := w.pickUser(r)
	direction := "Inbound"
	switch x := r.Float64(); {
	case x < 0.15:
		direction = "Intra-org"
	case x < 0.25:
		direction = "Outbound"
	}

	var senderAddr, senderDisplay, subject, senderIP string
	var senderObjectID any
	recipientAddr := recipient.UPN
	var recipientObjectID any = objectID(w, recipient.UPN)
	malicious := false
	switch direction {
	case "Inbound":
		if r.Float64() < 0.06*day.ThreatBoost {
			malicious = true
			host := maliciousHosts[r.IntN(len(maliciousHosts))]
			if day.Campaign != "" && r.Float64() < 0.7 {
				host = day.Campaign
			}
			senderAddr = fmt.Sprintf("%s@%s", []string{"it-support", "no-reply", "security", "hr-payroll"}[r.IntN(4)], host)
			senderDisplay = []string{"IT Support", "Microsoft 365", "Security Team", "HR Payroll"}[r.IntN(4)]
			subject = lureSubjects[r.IntN(len(lureSubjects))]
		} else {
			s := externalSenders[r.IntN(len(externalSenders))]
			senderAddr, senderDisplay, subject = s.address, s.display, s.subject
		}
		senderIP = publicIPv4(r)
	case "Intra-org":
		sender := w.pickUser(r)
		senderAddr, senderDisplay = sender.UPN, displayName(sender.UPN)
		senderObjectID = objectID(w, sender.UPN)
		subject = internalSubjects[r.IntN(len(internalSubjects))]
		senderIP = "10.0." + fmt.Sprint(r.IntN(256)) + "." + fmt.Sprint(1+r.IntN(254))
	default: // Outbound
		senderAddr, senderDisplay = recipient.UPN, displayName(recipient.UPN)
		senderObjectID = objectID(w, recipient.UPN)
		s := externalSenders[r.IntN(len(externalSenders))]
		recipientAddr = "contact@" + domainOf(s.address)
		recipientObjectID = nil
		subject = "Re: " + s.subject
		senderIP = "10.0." + fmt.Sprint(r.IntN(256)) + "." + fmt.Sprint(1+r.IntN(254))
	}
	senderDomain := domainOf(senderAddr)
	mailFrom := senderAddr
	if direction == "Inbound" && !malicious && r.IntN(2) == 0 {
		mailFrom = "bounce@" + senderDomain
	}

	deliveryAction, location := "Delivered", "Inbox/folder"
	if direction == "Outbound" {
		location = "On-premises/external"
	}
	var threatTypes, detection, confidence, emailAction, actionPolicy, actionPolicyGUID any
	var bulk any
	auth := map[string]string{"SPF": "pass", "DKIM": "pass", "DMARC": "pass", "CompAuth": "pass"}
	if direction == "Inbound" && !malicious && r.IntN(5) == 0 {
		bulk = int64(r.IntN(10))
	}
	if malicious {
		threat := "Phish"
		if r.Float64() < 0.2 {
			threat = "Malware"
		}
		threatTypes = threat
		methods := detectionByThreat[threat]
		detection = jsonText(map[string][]string{threat: {methods[r.IntN(len(methods))]}})
		confidence = jsonText(map[string]string{threat: []string{"High", "Normal"}[r.IntN(2)]})
		auth["DMARC"] = []string{"fail", "none"}[r.IntN(2)]
		auth["CompAuth"] = "fail"
		switch x := r.Float64(); {
		case x < 0.7:
			deliveryAction, location = "Blocked", "Quarantine"
			emailAction, actionPolicy = "Send to quarantine", map[string]string{"Phish": "Antiphish", "Malware": "Antimalware"}[threat]
			actionPolicyGUID = newGUID(r)
		case x < 0.85:
			deliveryAction, location = "Junked", "Junk folder"
			emailAction, actionPolicy = "Move message to junk folder", "Antispam"
			actionPolicyGUID = newGUID(r)
		default:
			// Delivered: nothing caught it at delivery time (zero-hour auto purge may move it later).
			threatTypes, detection, confidence = nil, nil, nil
		}
	} else if bulk != nil && bulk.(int64) >= 7 {
		deliveryAction, location = "Junked", "Junk folder"
		threatTypes = "Spam"
		detection = jsonText(map[string][]string{"Spam": {"Bulk"}})
		emailAction, actionPolicy = "Move message to junk folder", "Bulk"
	}
	messageID := exchangeID(r)
	cc := []any{}
	if r.IntN(6) == 0 {
		cc = append(cc, w.Users[r.IntN(len(w.Users))].UPN)
	}
	props := []Property{
		{"Timestamp", formatTicks(ts, timestampDigits(r))},
		{"NetworkMessageId", messageID},
		{"InternetMessageId", fmt.Sprintf("<%s@%s>", newGUID(r), senderDomain)},
		{"SenderMailFromAddress", mailFrom},
		{"SenderFromAddress", senderAddr},
		{"SenderDisplayName", senderDisplay},
		{"SenderObjectId", senderObjectID},
		{"SenderMailFromDomain", domainOf(mailFrom)},
		{"SenderFromDomain", senderDomain},
		{"SenderIPv4", senderIP},
		{"SenderIPv6", nil},
		{"RecipientEmailAddress", recipientAddr},
		{"RecipientObjectId", recipientObjectID},
		{"Subject", subject},
		{"EmailClusterId", int64(1_000_000_000 + r.IntN(3_000_000_000))},
		{"EmailDirection", direction},
		{"DeliveryAction", deliveryAction},
		{"DeliveryLocation", location},
		{"ThreatTypes", threatTypes},
		{"ThreatNames", nil},
		{"DetectionMethods", detection},
		{"ConfidenceLevel", confidence},
		{"BulkComplaintLevel", bulk},
		{"EmailAction", emailAction},
		{"EmailActionPolicy", actionPolicy},
		{"EmailActionPolicyGuid", actionPolicyGUID},
		{"AuthenticationDetails", jsonText(auth)},
		{"AttachmentCount", int64(attachmentCount(r))},
		{"UrlCount", int64(r.IntN(20))},
		{"EmailLanguage", "en"},
		{"Connectors", nil},
		{"OrgLevelAction", nil},
		{"OrgLevelPolicy", nil},
		{"UserLevelAction", nil},
		{"UserLevelPolicy", nil},
		{"ReportId", fmt.Sprintf("%s-%d-1", messageID, r.Int64N(1<<62))},
		{"AdditionalFields", nil},
		// The Streaming API sends these instead of LatestDeliveryLocation/LatestDeliveryAction, in this order;
		// To and Cc are real JSON arrays, not JSON text.
		{"ExchangeTransportRule", nil},
		{"DistributionList", nil},
		{"ForwardingInformation", nil},
		{"Context", nil},
		{"To", []any{recipientAddr}},
		{"Cc", cc},
		{"ThreatClassification", nil},
		{"RecipientDomain", domainOf(recipientAddr)},
		{"EmailSize", int64(4_000 + r.IntN(2_000_000))},
		{"IsFirstContact", r.IntN(10) == 0},
	}
	return props
}

func attachmentCount(r *rand.Rand) int {
	if r.IntN(4) == 0 {
		return 1 + r.IntN(3)
	}
	return 0
}

func domainOf(address string) string {
	_, domain, _ := strings.Cut(address, "@")
	return domain
}

// displayName turns "alex.wilber@contoso.com" into "Alex Wilber".
func displayName(upn string) string {
	local, _, _ := strings.Cut(upn, "@")
	parts := strings.Split(local, ".")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, " ")
}
