package ncmecfake

import (
	"fmt"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// The schema tables: the <report> and <fileDetails> documents as requirements §10 describes
// them. The real XSD (GET /xsd) stays authoritative (NC-02); these tables are what the fake can
// check without it.

var incidentTypes = []string{
	"Child Pornography (possession, manufacture, and distribution)",
	"Child Sex Trafficking",
	"Child Sex Tourism",
	"Child Sexual Molestation",
	"Misleading Domain Name",
	"Misleading Words or Digital Images on the Internet",
	"Online Enticement of Children for Sexual Acts",
	"Unsolicited Obscene Material Sent to a Child",
}

var reportSpec = group("report", 1, 1,
	leaf("batchedReport", 0, 1, isBool),
	group("incidentSummary", 1, 1,
		leaf("incidentType", 1, 1, oneOf(incidentTypes...)),
		leaf("platform", 0, 1, nil),
		leaf("escalateToHighPriority", 0, 1, notEmpty),
		flags("reportAnnotations", "sextortion", "csamSolicitation", "minorToMinorInteraction",
			"spam", "sadisticOnlineExploitation", "informational"),
		leaf("incidentDateTime", 1, 1, isDateTime),
		leaf("incidentDateTimeDescription", 0, 1, nil),
	),
	choice("internetDetails", 0, many,
		group("webPageIncident", 0, 1,
			leaf("url", 0, many, isURL),
			leaf("additionalInfo", 0, 1, nil),
		).withAttrs(map[string]func(string) error{"thirdPartyHostedContent": isBool}),
		anything("emailIncident", 0, 1),
		anything("newsgroupIncident", 0, 1),
		group("chatImIncident", 0, 1,
			leaf("chatClient", 0, 1, nil),
			leaf("chatRoomName", 0, 1, nil),
			leaf("content", 0, 1, nil),
			leaf("additionalInfo", 0, 1, nil),
		),
		anything("onlineGamingIncident", 0, 1),
		anything("cellPhoneIncident", 0, 1),
		anything("nonInternetIncident", 0, 1),
		anything("peer2peerIncident", 0, 1),
	),
	anything("lawEnforcement", 0, 1),
	group("reporter", 1, 1,
		person("reportingPerson", 1),
		person("contactPerson", 0),
		leaf("companyTemplate", 0, 1, nil),
		leaf("termsOfService", 0, 1, nil),
		leaf("legalURL", 0, 1, isURL),
	),
	group("personOrUserReported", 0, 1,
		person("personOrUserReportedPerson", 0),
		leaf("vehicleDescription", 0, 1, nil),
		leaf("espIdentifier", 0, 1, nil),
		leaf("espService", 0, 1, nil),
		leaf("compromisedAccount", 0, 1, isBool),
		leaf("screenName", 0, 1, nil),
		leaf("displayName", 0, many, nil),
		leaf("profileUrl", 0, many, isURL),
		leaf("profileBio", 0, 1, nil),
		ipCaptureEvent(0, many),
		anything("deviceId", 0, many),
		leaf("thirdPartyUserReported", 0, 1, isBool),
		leaf("priorCTReports", 0, many, isPositive),
		leaf("groupIdentifier", 0, 1, nil),
		estimatedLocation(),
		anything("associatedAccount", 0, many),
		leaf("additionalInfo", 0, 1, nil),
	),
	anything("intendedRecipient", 0, many),
	victim(),
	leaf("additionalInfo", 0, 1, nil),
)

var fileDetailsSpec = group("fileDetails", 1, 1,
	leaf("reportId", 1, 1, isPositive),
	leaf("fileId", 1, 1, notEmpty),
	leaf("fileName", 0, 1, nil),
	leaf("originalFileName", 0, 1, nil),
	leaf("locationOfFile", 0, 1, nil),
	leaf("fileViewedByEsp", 0, 1, isBool),
	leaf("exifViewedByEsp", 0, 1, isBool),
	leaf("publiclyAvailable", 0, 1, isBool),
	leaf("fileRelevance", 0, 1, oneOf("Reported", "Supplemental Reported")),
	flags("fileAnnotations", "animeDrawingVirtualHentai", "potentialMeme", "viral",
		"possibleSelfProduction", "physicalHarm", "violenceGore", "bestiality", "liveStreaming",
		"infant", "generativeAi"),
	leaf("industryClassification", 0, 1, oneOf("A1", "A2", "B1", "B2")),
	originalFileHash(),
	ipCaptureEvent(0, 1),
	anything("deviceId", 0, many),
	details(),
	leaf("additionalInfo", 0, many, nil),
)

// person is the person type. A required person (the reportingPerson) must give an email.
func person(name string, min int) *spec {
	return group(name, min, 1,
		leaf("firstName", 0, 1, nil),
		leaf("lastName", 0, 1, nil),
		leaf("phone", 0, many, notEmpty).withAttrs(map[string]func(string) error{
			"type": anyText, "verified": isBool, "verificationDate": isDateTime,
			"countryCallingCode": anyText, "extension": anyText,
		}),
		leaf("email", min, many, isEmail).withAttrs(map[string]func(string) error{
			"type": oneOf("Home", "Work", "Business"), "verified": isBool, "verificationDate": isDateTime,
		}),
		anything("address", 0, many),
		leaf("age", 0, 1, isNonNegative),
		leaf("dateOfBirth", 0, 1, isDate),
	)
}

func ipCaptureEvent(min, max int) *spec {
	return group("ipCaptureEvent", min, max,
		leaf("ipAddress", 1, 1, isIP),
		leaf("eventName", 0, 1, oneOf("Login", "Registration", "Purchase", "Upload", "Other", "Unknown")),
		leaf("dateTime", 0, 1, isDateTime),
		leaf("possibleProxy", 0, 1, isBool),
		leaf("port", 0, 1, isPort),
	)
}

func estimatedLocation() *spec {
	return group("estimatedLocation", 0, 1,
		leaf("city", 0, 1, nil),
		leaf("region", 0, 1, nil),
		leaf("countryCode", 0, 1, isCountry),
	).withAttrs(map[string]func(string) error{"verified": isBool, "timestamp": isDateTime})
}

// victim requires victimPerson first; what follows is not modelled.
func victim() *spec {
	v := group("victim", 0, many, anything("victimPerson", 1, 1))
	v.openTail = true
	return v
}

// originalFileHash is a hash value with its type: MD5 or SHA1, in hex.
func originalFileHash() *spec {
	s := leaf("originalFileHash", 0, many, nil).withAttrs(
		map[string]func(string) error{"hashType": oneOf("MD5", "SHA1")}, "hashType")
	s.custom = func(n *node) error {
		digits := map[string]int{"MD5": 32, "SHA1": 40}[attr(n, "hashType")]
		if !isHex(n.text(), digits) {
			return fmt.Errorf("%q is not a %s hash", n.text(), attr(n, "hashType"))
		}
		return nil
	}
	return s
}

func details() *spec {
	return group("details", 0, many,
		group("nameValuePair", 0, many,
			leaf("name", 1, 1, notEmpty),
			leaf("value", 1, 1, nil),
		),
	).withAttrs(map[string]func(string) error{"type": oneOf("EXIF", "HASH")}, "type")
}

// attr returns the value of an unqualified attribute, "" when absent.
func attr(n *node, name string) string {
	for _, a := range n.attrs {
		if a.Name.Space == "" && a.Name.Local == name {
			return strings.TrimSpace(a.Value)
		}
	}
	return ""
}

// Value checks.

func oneOf(values ...string) func(string) error {
	return func(s string) error {
		if !slices.Contains(values, s) {
			return fmt.Errorf("%q is not one of the allowed values", s)
		}
		return nil
	}
}

// anyText accepts any attribute value.
func anyText(string) error { return nil }

func notEmpty(s string) error {
	if s == "" {
		return fmt.Errorf("empty")
	}
	return nil
}

func isBool(s string) error { return oneOf("true", "false", "1", "0")(s) }

// isDateTime wants an ISO 8601 date-time with a zone, as §10 asks of incidentDateTime.
func isDateTime(s string) error {
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return fmt.Errorf("%q is not a date-time with a time zone", s)
	}
	return nil
}

func isDate(s string) error {
	if _, err := time.Parse(time.DateOnly, s); err != nil {
		return fmt.Errorf("%q is not a date", s)
	}
	return nil
}

func isURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("%q is not an absolute URL", s)
	}
	return nil
}

func isEmail(s string) error {
	at := strings.LastIndexByte(s, '@')
	if at < 1 || at == len(s)-1 || strings.ContainsAny(s, " <>") {
		return fmt.Errorf("%q is not an email address", s)
	}
	return nil
}

func isIP(s string) error {
	if _, err := netip.ParseAddr(s); err != nil {
		return fmt.Errorf("%q is not an IP address", s)
	}
	return nil
}

func isPort(s string) error {
	if n, err := strconv.Atoi(s); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("%q is not a port", s)
	}
	return nil
}

func isPositive(s string) error {
	if n, err := strconv.ParseInt(s, 10, 64); err != nil || n <= 0 {
		return fmt.Errorf("%q is not a positive integer", s)
	}
	return nil
}

func isNonNegative(s string) error {
	if n, err := strconv.Atoi(s); err != nil || n < 0 {
		return fmt.Errorf("%q is not a non-negative integer", s)
	}
	return nil
}

func isCountry(s string) error {
	if len(s) != 2 || !isUpper(s[0]) || !isUpper(s[1]) {
		return fmt.Errorf("%q is not an ISO 3166-1 alpha-2 code", s)
	}
	return nil
}

func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

func isHex(s string, n int) bool {
	if n == 0 || len(s) != n {
		return false
	}
	for _, c := range []byte(s) {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}
