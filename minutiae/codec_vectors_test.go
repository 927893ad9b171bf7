package minutiae

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/openbms/bms/internal/shareddata"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func requireShared(t testing.TB, parts ...string) string {
	t.Helper()
	return shareddata.Require(t, parts...)
}

// vectorJSON is the shape of the fingerprintio test vectors: raw field
// values of each format (angles in the format's own unit).
type vectorJSON struct {
	VendorID        *int `json:"vendorId"`
	Subformat       *int `json:"subformat"`
	SensorCertified bool `json:"sensorCertified"`
	SensorID        int  `json:"sensorId"`
	Width           int  `json:"width"`
	Height          int  `json:"height"`
	ResolutionX     int  `json:"resolutionX"`
	ResolutionY     int  `json:"resolutionY"`
	Fingerprints    []struct {
		Datetime *struct {
			Year, Month, Day, Hour, Minute, Second, Millisecond int
		} `json:"datetime"`
		SensorType   *string `json:"sensorType"`
		SensorVendor int     `json:"sensorVendor"`
		SensorID     int     `json:"sensorId"`
		QRecords     []struct {
			Quality, Vendor, Algorithm int
		} `json:"qrecords"`
		Position           string `json:"position"`
		View               int    `json:"view"`
		ScanType           string `json:"scanType"`
		Quality            *int   `json:"quality"`
		QualityVendorID    int    `json:"qualityVendorId"`
		QualityAlgorithmID int    `json:"qualityAlgorithmId"`
		Width              int    `json:"width"`
		Height             int    `json:"height"`
		ResolutionX        int    `json:"resolutionX"`
		ResolutionY        int    `json:"resolutionY"`
		EndingType         string `json:"endingType"`
		Minutiae           []struct {
			Type      string `json:"type"`
			PositionX int    `json:"positionX"`
			PositionY int    `json:"positionY"`
			Angle     int    `json:"angle"`
			Quality   *int   `json:"quality"`
		} `json:"minutiae"`
		Counts *struct {
			Type  string `json:"type"`
			Edges []struct{ From, To, Count int }
		} `json:"counts"`
		Coredelta  any `json:"coredelta"`
		Extensions []struct {
			Type int    `json:"type"`
			Data []byte `json:"data"`
		} `json:"extensions"`
	} `json:"fingerprints"`
}

var vectorPositions = []string{"UNKNOWN", "RIGHT_THUMB", "RIGHT_INDEX", "RIGHT_MIDDLE", "RIGHT_RING", "RIGHT_LITTLE",
	"LEFT_THUMB", "LEFT_INDEX", "LEFT_MIDDLE", "LEFT_RING", "LEFT_LITTLE"}

var vectorScanTypes = map[string]Impression{"LIVE_PLAIN": 0, "LIVE_ROLLED": 1, "NONLIVE_PLAIN": 2, "NONLIVE_ROLLED": 3, "SWIPE": 8}

var vectorKinds = map[string]Kind{"OTHER": Other, "ENDING": Ending, "BIFURCATION": Bifurcation}

var vectorRidgeMethods = map[string]RidgeCountMethod{"NONSPECIFIC": 0, "FOUR_NEIGHBORS": 1, "QUADRANTS": 1, "EIGHT_NEIGHBORS": 2, "OCTANTS": 2}

func TestTemplateVectors(t *testing.T) {
	dir := requireShared(t, "fingerprint", "templates")
	cases := []struct {
		name   string
		format Format
		iso    bool // angles in 1/256 turn rather than 2°
	}{
		{"ansi378v2004", FormatANSI2004, false},
		{"ansi378v2009", FormatANSI2009, false},
		{"ansi378v2009am1", FormatANSI2009AM1, false},
		{"iso19794p2v2005", FormatISO2005, true},
		{"iso19794p2v2011", FormatISO2011, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tc.name+"-sample.dat"))
			require.NoError(t, err)
			js, err := os.ReadFile(filepath.Join(dir, tc.name+"-sample.json"))
			require.NoError(t, err)
			var want vectorJSON
			require.NoError(t, json.Unmarshal(js, &want))

			rec, f, err := Decode(data)
			require.NoError(t, err)
			require.Equal(t, tc.format, f, "format detection")
			checkVector(t, rec, &want, tc.iso)

			again, err := Encode(rec, f)
			require.NoError(t, err)
			rec2, f2, err := Decode(again)
			require.NoError(t, err)
			require.Equal(t, f, f2)
			require.Equal(t, rec, rec2, "re-encoded record decodes to the same values")
			checkVector(t, rec2, &want, tc.iso)
		})
	}
}

func checkVector(t *testing.T, rec *Record, want *vectorJSON, iso bool) {
	t.Helper()
	if want.VendorID != nil {
		assert.Equal(t, *want.VendorID, int(rec.ProductOwner), "vendor")
		assert.Equal(t, *want.Subformat, int(rec.ProductType), "subformat")
	}
	require.Len(t, rec.Views, len(want.Fingerprints))
	for i, wf := range want.Fingerprints {
		v := &rec.Views[i]
		if wf.Datetime == nil { // record-level device and geometry
			assert.Equal(t, want.SensorCertified, v.Device.Compliance&0x8 != 0, "certified")
			assert.Equal(t, want.SensorID, int(v.Device.Type), "sensor id")
		} else {
			d := wf.Datetime
			assert.Equal(t, time.Date(d.Year, time.Month(d.Month), d.Day, d.Hour, d.Minute, d.Second, d.Millisecond*1e6, time.UTC), v.CaptureTime)
			assert.Equal(t, "UNKNOWN", *wf.SensorType)
			assert.Equal(t, uint8(0), v.Device.Technology)
			assert.Equal(t, wf.SensorVendor, int(v.Device.Vendor))
			assert.Equal(t, wf.SensorID, int(v.Device.Type))
			require.Len(t, v.Qualities, len(wf.QRecords))
			for j, q := range wf.QRecords {
				assert.Equal(t, QualityRecord{uint8(q.Quality), uint16(q.Vendor), uint16(q.Algorithm)}, v.Qualities[j])
			}
			assert.Equal(t, wf.EndingType == "RIDGE_SKELETON_ENDPOINT", v.RidgeSkeleton)
		}
		width, height, rx, ry := wf.Width, wf.Height, wf.ResolutionX, wf.ResolutionY
		if width == 0 {
			width, height, rx, ry = want.Width, want.Height, want.ResolutionX, want.ResolutionY
		}
		assert.Equal(t, []int{width, height, rx, ry}, []int{int(v.Width), int(v.Height), int(v.ResolutionX), int(v.ResolutionY)})
		assert.Equal(t, wf.Position, vectorPositions[v.Position], "position")
		assert.Equal(t, wf.View, int(v.View), "view")
		assert.Equal(t, vectorScanTypes[wf.ScanType], v.Impression, "impression")
		if wf.Quality != nil {
			require.Len(t, v.Qualities, 1)
			assert.Equal(t, *wf.Quality, int(v.Qualities[0].Score))
			assert.Equal(t, wf.QualityVendorID, int(v.Qualities[0].VendorID))
			assert.Equal(t, wf.QualityAlgorithmID, int(v.Qualities[0].AlgorithmID))
		}
		require.Len(t, v.Minutiae, len(wf.Minutiae))
		for j, wm := range wf.Minutiae {
			m := v.Minutiae[j]
			raw := int(m.Direction.ansiAngle())
			if iso {
				raw = int(m.Direction.isoAngle())
			}
			for _, k := range v.NonconformingAngles {
				if k.Minutia == j {
					raw = int(k.Code)
				}
			}
			assert.Equal(t, []int{wm.PositionX, wm.PositionY, wm.Angle}, []int{int(m.X), int(m.Y), raw}, "minutia %d position and angle", j)
			assert.Equal(t, vectorKinds[wm.Type], m.Kind, "minutia %d kind", j)
			if wm.Quality != nil {
				assert.Equal(t, *wm.Quality, int(m.Quality), "minutia %d quality", j)
			}
		}
		if wf.Counts == nil {
			assert.Nil(t, v.RidgeCounts)
		} else {
			assert.Equal(t, vectorRidgeMethods[wf.Counts.Type], v.RidgeMethod, "ridge count method %s", wf.Counts.Type)
			require.Len(t, v.RidgeCounts, len(wf.Counts.Edges))
			for j, e := range wf.Counts.Edges {
				assert.Equal(t, RidgeCount{uint8(e.From), uint8(e.To), uint8(e.Count)}, v.RidgeCounts[j])
			}
		}
		assert.Nil(t, wf.Coredelta)
		assert.Nil(t, v.Cores)
		assert.Nil(t, v.Deltas)
		require.Len(t, v.Extensions, len(wf.Extensions))
		for j, e := range wf.Extensions {
			assert.Equal(t, Extension{uint16(e.Type), e.Data}, v.Extensions[j])
		}
	}
}
