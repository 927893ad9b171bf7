// Package jpeg2000 decodes JPEG 2000 Part 1 (ISO/IEC 15444-1) images: raw
// codestreams (J2K, starting with the SOC and SIZ markers) and JP2 files
// (the box-structured wrapper whose jp2c box holds a codestream). It was
// written for the JP2 and JP2L (lossless) compressions of ANSI/NIST-ITL
// friction-ridge records — greyscale palms and fingerprints — and decodes
// to 8-bit grey.
//
// [Decode] returns an *image.Gray; [DecodeConfig] reads only the headers.
//
// # Data flow
//
//	boxes → markers → tier-2 (packets) → tier-1 (MQ, coding passes) → dequantisation → inverse DWT → level shift → pixels
//
// Stage by stage:
//
//   - Boxes: a JP2 file is a sequence of boxes; the codestream is the
//     contents of the first jp2c box. A stream starting with SOC is taken
//     as a raw codestream.
//   - Markers: the main header (SIZ, COD, COC, QCD, QCC, RGN, POC, PPM, and
//     the ignored COM, TLM, PLM, CRG) is followed by tile-parts (SOT, a
//     tile-part header, SOD, packet data). Tile-parts of each tile are
//     concatenated in order. Packet headers may be packed in PPM or PPT
//     markers instead of the packet data.
//   - Tier-2: packets are visited in the progression order of the COD
//     marker (LRCP, RLCP, RPCL, PCRL, CPRL), or in the succession of
//     progressions POC markers give; each packet header gives, per
//     code-block of a precinct, inclusion (tag tree), the number of missing
//     most significant bit-planes (tag tree), the number of new coding
//     passes, and segment lengths (Lblock). SOP and EPH markers are skipped.
//   - Tier-1: each code-block is decoded bit-plane by bit-plane with the
//     three coding passes (significance propagation, magnitude refinement,
//     cleanup with run-length mode) driving the MQ arithmetic decoder over
//     19 contexts. All code-block style flags are supported: selective
//     arithmetic coding bypass (raw passes), context reset, termination on
//     each pass, vertically causal contexts, predictable termination (which
//     needs nothing of a decoder) and segmentation symbols.
//   - Dequantisation: none for the reversible path; scalar (derived or
//     expounded step sizes) for the irreversible path. Coefficients whose
//     low bit-planes were not coded (truncated streams, lower quality
//     layers) are reconstructed at the middle of their interval. A
//     region-of-interest max-shift (RGN) is undone.
//   - Inverse DWT: the reversible 5/3 integer lifting (exact, so lossless
//     images round-trip bit for bit) or the irreversible 9/7 lifting in
//     float32, with symmetric extension at tile-component edges.
//   - Level shift: unsigned samples get 2^(B−1) added back and are clamped;
//     samples deeper than 8 bits keep their high byte, shallower ones are
//     stretched to 0–255. Three-component images are brought back to RGB
//     (inverse RCT or ICT when the COD marker asks for it) and converted to
//     luma; with any other number of components the first one is decoded.
//
// # Limits
//
// Images of more than 2^28 pixels ([MaxPixels]), more than 65535 tiles or
// 16 components, subsampled output components, signed samples, more than 16
// bits per sample and code-blocks whose coefficients would need more than 30
// magnitude bit-planes are refused (errors wrapping [ErrUnsupported] or
// [ErrFormat]) before pixel buffers are allocated; so are tiles declaring
// far more precincts than their data could hold. Tiles without any data
// decode to the DC level (mid-grey). A stream that ends early, at a packet
// boundary, decodes with the packets it has (fewer quality layers); a
// tile-part or packet cut short is an error. Malformed input yields an
// error, never a panic, and reading never goes past the data.
//
// # Tests
//
// The tests hold a small encoder (MQ coder, the three coding passes with
// every code-block style, tag trees and packet headers, forward 5/3 and 9/7
// transforms, RCT/ICT, ROI, POC, PPM/PPT) used to check that decoding
// round-trips exactly (lossless) or closely (9/7). testdata holds two files
// it wrote, read by the tests of packages ansinist and minutiae. When
// OpenJPEG's opj_compress is installed, streams it writes are decoded too
// (lossless ones must come back exactly, lossy ones within a grey level of
// opj_decompress).
package jpeg2000
