// Package ansinist reads ANSI/NIST-ITL 1-2011 transactions in the
// traditional (binary/ASCII) encoding — the .an2/.eft/.nist files that AFIS,
// live-scan stations and forensic systems exchange — and turns their
// friction-ridge content into the types of package minutiae and image. It
// also reads the earlier versions of the encoding still in circulation
// (ANSI/NIST-ITL 1-2000 "0300" onwards). It does not write transactions and
// does not read the NIEM XML encoding.
//
// # Data flow
//
// bytes → [Decode] (or [ReadFile]) → [Transaction] → [Record]s → [Field]s,
// and from a record:
//
//   - [Record.ImageInfo] reads the image header (size, resolution,
//     compression, bit depth, finger/palm positions, impression) and
//     [Record.DecodeImage] decodes the pixels (WSQ through internal/wsq,
//     PNG, baseline JPEG, uncompressed grey, RGB or 1-bit);
//   - [Record.Templates] converts Type-9 minutiae into [minutiae.Template]s
//     ([Transaction.Templates] does it for every Type-9 record);
//   - [Record.Summary] gathers what a listing such as `bms inspect` prints.
//
// Decode parses the Type-1 record first: its field 1.003 CNT lists the type
// and IDC of every following record, which is how the binary records
// (Types 3–8), whose bytes do not state their type, are recognised. Tagged
// records (Types 1, 2, 9–99) are split into fields "T.NNN:value" at the
// separators GS, with subfields (RS) and items (US) left in the raw value
// and split on demand by [Field.Subfields]; field *.999 holds binary data
// running to the record end that LEN gives, whatever bytes it contains.
// Binary records present their fixed header as fields numbered as in the
// standard, so both kinds are read the same way. Every field is kept,
// user-defined ones and unknown tags included, as slices of the input;
// nothing is normalised away. Records of types this package does not know are kept
// (parsed generically when tagged) and skipped over using their LEN.
//
// # Conventions of the conversions
//
// Images: resolution is taken from SLC/THPS for tagged records (SLC 1 pixels
// per inch, 2 pixels per centimetre, 0 none); for Types 3–6 from the ISR flag
// choosing Type-1 NTR (1.012, flag 0) or NSR (1.011, flag 1) in pixels per
// millimetre, 19.69 ppmm (500 ppi) when the chosen one is 00.00, halved for
// the low-resolution Types 3 and 5. Numeric compression codes (Types 3 and
// 4, or digits in a CGA field) map through Table 15: 0 NONE, 1 WSQ20,
// 2 JPEGB, 3 JPEGL, 4 JP2, 5 JP2L, 6 PNG. Type-7 data is user-defined; it is
// taken as an image only when it starts with a WSQ, JPEG, PNG or JPEG 2000
// signature, or with a self-consistent Type-4 style header (IMP, FGP×6, ISR,
// HLL, VLL, GCA), the layout of the NIST reference Type-7 file.
//
// Minutiae are converted to the conventions of package minutiae: pixels from
// the top-left corner of the image the minutiae were found in, and the
// ISO/IEC 19794-2 / INCITS 378 direction. The image is the friction-ridge
// image record (Type-3…6, 13, 14, 15 or 19) with the same IDC as the Type-9
// record, which is how the standard links them.
//
//   - Legacy "standard" format (9.004 FMT 'S', fields 9.005–9.012): 9.012
//     gives per minutia an index, XXXXYYYYTTT — x and y in units of 0.01 mm
//     from the bottom-left corner with y upwards, theta in whole degrees
//     counter-clockwise from the x axis — a quality (0 manually encoded,
//     1 none, 2–63 decreasing confidence), a type (A ending, B bifurcation,
//     C compound, D undetermined) and "neighbour,count" ridge counts; 9.008
//     and 9.009 give cores and deltas as XXXXYYYY. Positions are scaled by
//     the image resolution and flipped against the image height; theta is
//     turned by 180° because this format's direction points away from the
//     ridge, INCITS 378's along it. The NIST reference files
//     type-9-14-std.an2 and type-9-14-m1.an2 carry the same minutiae in both
//     forms and agree after conversion to the pixel and to the 2° unit of
//     INCITS 378 (see TestStandardAgreesWithM1). Qualities map to 0–100
//     (0 → 100, 2–63 → 100…1, 1 → 0 "not recorded"); C and D become
//     minutiae.Other.
//   - INCITS 378 "M1" block (9.126–9.150): coordinates are already pixels
//     from the top-left at the 9.131/9.132 resolution (9.130 SLC), angles are
//     in 2° units; 9.135 gives the quality records, 9.138 the ridge counts,
//     9.139/9.140/9.141 cores and deltas with their angles.
//   - Extended feature set (9.300–9.399): minutiae (9.331), cores (9.320),
//     deltas (9.321) and ridge counts (9.333) are converted; their
//     coordinates are in 0.01 mm from the top-left of the region of interest
//     (9.300), which lies at the offsets 9.300 gives, and directions are
//     degrees counter-clockwise with the INCITS 378 sense. The other EFS
//     fields stay raw fields.
//
// Without a matching image, the resolution falls back to Type-1 NTR and then
// to 19.69 ppmm; the legacy format then lacks the height needed to flip y,
// so the template height is the smallest that holds every feature: absolute
// positions become arbitrary, the geometry between features stays exact.
//
// # Limits
//
// Decode never trusts a size it reads: every LEN is checked against the
// bytes left before anything is sliced, CNT must list as many records as it
// counts and each must be present, allocations are bounded by the input
// length, and malformed input yields an error (matching [ErrMalformed],
// prefixed "ansinist: "), never a panic. Bytes after the last record CNT
// lists are ignored. [ReadFile] refuses files larger than [MaxFileSize]. DecodeImage checks that uncompressed data has exactly
// the declared size, and that a compressed stream's own size equals the
// declared one and is plausible for its byte count, before allocating
// pixels. JPEG 2000 (JP2 and JP2L, through internal/jpeg2000) is decoded;
// lossless JPEG and facsimile-coded binary images are not decoded: DecodeImage returns an error wrapping
// [ErrUnsupportedCompression] naming the compression. Type-8 signatures,
// and Type-10 colour images other than JPEG, PNG or raw RGB, are not
// decoded either. The package reads; it does not validate a transaction
// against the standard's field-level rules.
//
// A decoded Transaction is only read by its methods and may be used from
// several goroutines at once.
package ansinist
