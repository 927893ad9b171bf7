package minutiae

import (
	"bytes"
	"fmt"
	"time"
)

// isoDateTimeAbsent is how ISO/IEC 19794-1:2011 marks a capture time that
// was not recorded: every byte 0xFF.
var isoDateTimeAbsent = bytes.Repeat([]byte{0xff}, 9)

// decodeISO2011 reads an ISO/IEC 19794-2:2011 record. Unlike the older
// formats every representation carries its own length, so a representation
// whose content does not end exactly at its declared length is an error:
// this is also what tells ISO 2011 apart from ANSI 378-2009, which shares
// its version string.
func decodeISO2011(data []byte) (*Record, error) {
	r := &reader{b: data, ctx: "iso2011"}
	if !bytes.Equal(r.bytes(8), []byte("FMR\x00030\x00")) {
		return nil, fmt.Errorf("minutiae: iso2011: missing FMR/030 header")
	}
	declared := int(r.u32())
	nreps := int(r.u16())
	certFlag := r.u8()
	if r.err != nil {
		return nil, r.err
	}
	if declared > len(data) {
		return nil, fmt.Errorf("minutiae: iso2011: record length %d is beyond the %d bytes given", declared, len(data))
	}
	if certFlag > 1 {
		return nil, fmt.Errorf("minutiae: iso2011: certification flag %d is neither 0 nor 1", certFlag)
	}
	// A representation takes at least 34 bytes.
	if nreps == 0 || nreps*34 > r.left() {
		return nil, fmt.Errorf("minutiae: iso2011: %d representations declared but %d bytes follow", nreps, r.left())
	}
	rec := &Record{Views: make([]Template, 0, nreps)}
	for i := range nreps {
		ctx := fmt.Sprintf("iso2011 representation %d", i)
		r.ctx = ctx
		n := int(r.u32())
		if r.err == nil && (n < 4 || n-4 > r.left()) {
			return nil, fmt.Errorf("minutiae: %s: length %d does not fit the %d bytes left", ctx, n, r.left()+4)
		}
		body := r.bytes(n - 4)
		if r.err != nil {
			return nil, r.err
		}
		t, err := decodeISO2011Representation(body, certFlag == 1, ctx)
		if err != nil {
			return nil, err
		}
		rec.Views = append(rec.Views, t)
	}
	return rec, nil
}

func decodeISO2011Representation(body []byte, withCerts bool, ctx string) (Template, error) {
	r := &reader{b: body, ctx: ctx}
	var t Template
	dt := r.bytes(9)
	if r.err == nil && !bytes.Equal(dt, isoDateTimeAbsent) {
		year := int(dt[0])<<8 | int(dt[1])
		ms := int(dt[7])<<8 | int(dt[8])
		if ms == 0xffff {
			ms = 0
		}
		t.CaptureTime = time.Date(year, time.Month(dt[2]), int(dt[3]), int(dt[4]), int(dt[5]), int(dt[6]), ms*int(time.Millisecond), time.UTC)
	}
	t.Device.Technology = r.u8()
	t.Device.Vendor = r.u16()
	t.Device.Type = r.u16()
	nq := int(r.u8())
	if r.err == nil && nq*5 > r.left() {
		return t, fmt.Errorf("minutiae: %s: %d quality blocks declared but %d bytes follow", ctx, nq, r.left())
	}
	for range nq {
		q := QualityRecord{Score: r.u8()}
		q.VendorID, q.AlgorithmID = r.u16(), r.u16()
		t.Qualities = append(t.Qualities, q)
	}
	if withCerts {
		nc := int(r.u8())
		for range nc {
			c := Certification{Authority: r.u16()}
			c.Scheme = r.u8()
			if r.err != nil {
				break
			}
			t.Certifications = append(t.Certifications, c)
		}
	}
	t.Position = Position(r.u8())
	t.View = r.u8()
	t.ResolutionX, t.ResolutionY = r.u16(), r.u16()
	t.Impression = Impression(r.u8())
	t.Width, t.Height = r.u16(), r.u16()
	flags := r.u8()
	size := int(flags >> 4)
	if r.err == nil && size != 5 && size != 6 {
		return t, fmt.Errorf("minutiae: %s: minutia size %d bytes (want 5 or 6)", ctx, size)
	}
	switch flags & 0x0f {
	case 0:
	case 1:
		t.RidgeSkeleton = true
	default:
		if r.err == nil {
			return t, fmt.Errorf("minutiae: %s: ridge ending type %d is not defined", ctx, flags&0x0f)
		}
	}
	n := int(r.u8())
	if r.err == nil && n*size > r.left() {
		return t, fmt.Errorf("minutiae: %s: %d minutiae declared but %d bytes follow", ctx, n, r.left())
	}
	if r.err != nil {
		return t, r.err
	}
	t.Minutiae = make([]Minutia, n)
	for j := range t.Minutiae {
		t.Minutiae[j], _ = readMinutia(r, size == 6, angleFromISO)
	}
	readExtensions(r, &t, flavourISO2011, false)
	if r.err != nil {
		return t, r.err
	}
	if r.left() != 0 {
		return t, fmt.Errorf("minutiae: %s: %d bytes left after the extended data", ctx, r.left())
	}
	return t, nil
}

func encodeISO2011(rec *Record) ([]byte, error) {
	if len(rec.Views) == 0 {
		return nil, fmt.Errorf("minutiae: a record needs at least one view")
	}
	certs := 0
	for i := range rec.Views {
		if len(rec.Views[i].Certifications) > 0 {
			certs = 1
		}
	}
	w := &writer{}
	w.raw([]byte("FMR\x00030\x00"))
	w.raw([]byte{0, 0, 0, 0})
	w.u16(len(rec.Views), "number of representations")
	w.u8(certs, "certification flag")
	for i := range rec.Views {
		v := &rec.Views[i]
		start := len(w.b)
		w.raw([]byte{0, 0, 0, 0})
		if v.CaptureTime.IsZero() {
			w.raw(isoDateTimeAbsent)
		} else {
			ct := v.CaptureTime.UTC()
			w.u16(ct.Year(), "capture year")
			w.raw([]byte{byte(ct.Month()), byte(ct.Day()), byte(ct.Hour()), byte(ct.Minute()), byte(ct.Second())})
			w.u16(ct.Nanosecond()/int(time.Millisecond), "capture millisecond")
		}
		w.u8(int(v.Device.Technology), "capture device technology")
		w.u16(int(v.Device.Vendor), "capture device vendor")
		w.u16(int(v.Device.Type), "capture device type")
		w.u8(len(v.Qualities), "number of quality blocks")
		for _, q := range v.Qualities {
			w.u8(int(q.Score), "quality")
			w.u16(int(q.VendorID), "quality vendor")
			w.u16(int(q.AlgorithmID), "quality algorithm")
		}
		if certs == 1 {
			w.u8(len(v.Certifications), "number of certifications")
			for _, c := range v.Certifications {
				w.u16(int(c.Authority), "certification authority")
				w.u8(int(c.Scheme), "certification scheme")
			}
		}
		w.u8(int(v.Position), "position")
		w.u8(int(v.View), "representation number")
		w.u16(int(v.ResolutionX), "x resolution")
		w.u16(int(v.ResolutionY), "y resolution")
		w.u8(int(v.Impression), "impression")
		w.u16(int(v.Width), "width")
		w.u16(int(v.Height), "height")
		// Five-byte minutiae drop the quality; use them only when no
		// minutia has one, so that nothing is lost.
		withQuality := false
		for _, m := range v.Minutiae {
			if m.Quality != QualityNotReported {
				withQuality = true
			}
		}
		size := 5
		if withQuality {
			size = 6
		}
		ending := 0
		if v.RidgeSkeleton {
			ending = 1
		}
		w.u8(size<<4|ending, "minutia size and ending type")
		w.u8(len(v.Minutiae), "number of minutiae")
		for j := range v.Minutiae {
			writeMinutia(w, &v.Minutiae[j], withQuality, Angle.isoAngle)
		}
		writeExtensions(w, v, flavourISO2011)
		if w.err == nil {
			w.putU32At(start, len(w.b)-start)
		}
	}
	if w.err != nil {
		return nil, w.err
	}
	w.putU32At(8, len(w.b))
	return w.b, nil
}
