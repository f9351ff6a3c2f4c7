package ncmec

import (
	"encoding/xml"
	"fmt"
	"net/netip"
	"time"

	"github.com/vigilproject/vigil"
)

// The XML Schema instance attributes on a document's root, naming NCMEC's XSD (GET /xsd) as the
// published client examples do.
const (
	xsiNamespace   = "http://www.w3.org/2001/XMLSchema-instance"
	schemaLocation = "https://report.cybertip.org/ispws/xsd"
)

// schemaAttrs are the xsi attributes on a document's root element.
type schemaAttrs struct {
	XSI      string `xml:"xmlns:xsi,attr"`
	Location string `xml:"xsi:noNamespaceSchemaLocation,attr"`
}

var rootAttrs = schemaAttrs{XSI: xsiNamespace, Location: schemaLocation}

// person is the part of the CyberTipline person type a record fills, in schema order (firstName
// and lastName, which would come first, are not in the record).
type person struct {
	Phone []string `xml:"phone,omitempty"`
	Email []string `xml:"email,omitempty"`
}

// ipCaptureEvent is an IP address seen at an event, in schema order.
type ipCaptureEvent struct {
	IPAddress string `xml:"ipAddress"`
	EventName string `xml:"eventName,omitempty"`
	DateTime  string `xml:"dateTime,omitempty"`
	Port      int    `xml:"port,omitempty"`
}

// eventUpload is the ipCaptureEvent eventName for the IP an upload came from.
const eventUpload = "Upload"

// uploadEvent renders where the upload came from, or nil when the record has no IP (RP-07).
func uploadEvent(g vigil.ReportGeo) (*ipCaptureEvent, error) {
	if g.IP == "" {
		if g.Port != 0 {
			return nil, vigil.FieldErrorf(vigil.EINVALID, "geo.port", "a port without an IP address")
		}
		return nil, nil
	}
	addr, err := netip.ParseAddr(g.IP)
	if err != nil || addr.Zone() != "" {
		return nil, vigil.FieldErrorf(vigil.EINVALID, "geo.ip", "not an IP address")
	}
	if g.Port < 0 || g.Port > 65535 {
		return nil, vigil.FieldErrorf(vigil.EINVALID, "geo.port", "%d is not a port number", g.Port)
	}
	at, err := formatTime("geo.at", g.At)
	if err != nil {
		return nil, err
	}
	return &ipCaptureEvent{IPAddress: addr.Unmap().String(), EventName: eventUpload, DateTime: at, Port: g.Port}, nil
}

// formatTime writes an ISO 8601 date-time with milliseconds and its zone offset, "" for the
// zero time. Years outside 1..9999 have no ISO 8601 basic form and are refused.
func formatTime(field string, t time.Time) (string, error) {
	if t.IsZero() {
		return "", nil
	}
	if t.Year() < 1 || t.Year() > 9999 {
		return "", vigil.FieldErrorf(vigil.EINVALID, field, "year %d is out of range", t.Year())
	}
	return t.Format("2006-01-02T15:04:05.000Z07:00"), nil
}

// marshal writes a document with the XML declaration.
func marshal(doc any) ([]byte, error) {
	out, err := xml.Marshal(doc)
	if err != nil {
		return nil, fmt.Errorf("cybertipline xml: %w", err)
	}
	return append([]byte(xml.Header), out...), nil
}
