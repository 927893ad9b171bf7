// Package wsq decodes FBI WSQ (Wavelet Scalar Quantization) grey-scale
// fingerprint images, as specified by the FBI's "WSQ Gray-scale Fingerprint
// Image Compression Specification" (IAFIS-IC-0110, version 3). WSQ is the
// compression used for 500 ppi fingerprints in ANSI/NIST-ITL transactions
// (Type-4 and Type-14 records). The package only decodes; it does not
// encode.
//
// [Decode] returns an *image.Gray and the header [Config]; [DecodeConfig]
// reads just the header. Both are also registered with package image under
// the name "wsq", so image.Decode recognises WSQ streams by their SOI marker.
//
// # Data flow
//
//	markers → tables → Huffman decoding → unquantisation → inverse DWT → pixels
//
// Stage by stage:
//
//   - Markers: a stream is SOI, then table and comment segments (DTT, DQT,
//     DHT, DRT, COM) in any order, the frame header SOF (size, and the
//     shift M and scale R of the pixel mapping), then one or more blocks
//     (SOB plus Huffman-coded data, each optionally preceded by more
//     tables), then EOI. COM segments are kept as [Config.Comments]; the
//     NISTCOM comment's "PPI" line gives [Config.PPI].
//   - Tables: DTT holds half of each symmetric analysis filter, from which
//     the synthesis pair is derived; DQT holds the bin width Q and dead zone
//     Z of each of 64 subbands and the bin centre C; DHT holds up to eight
//     JPEG-style canonical Huffman tables (16 length counts, then values).
//   - Huffman decoding yields quantiser indices for the coded subbands in
//     order, using the WSQ symbol alphabet: 1–100 zero runs, 101–104 8- and
//     16-bit values, 105–106 8- and 16-bit zero runs, 107–254 small values
//     (symbol − 180). Restart markers RST0–RST7 realign to a byte boundary.
//   - Unquantisation maps an index p ≠ 0 to Q·(p − C) + Z/2 (or Q·(p + C) −
//     Z/2 for p < 0), placing the values in the 64-subband layout that the
//     specification's 20-node transform tree defines for the image size.
//     Subbands 60–63 are never coded and stay zero.
//   - The inverse DWT runs the tree bottom-up, each node a vertical then a
//     horizontal one-dimensional synthesis with symmetric extension at the
//     edges; the extension type depends on filter and line parity.
//   - Pixels are value·R + M, rounded half up and clamped to 0..255.
//
// # Limits
//
// Width and height are 16-bit header fields. To keep hostile headers from
// forcing huge allocations, an image may have at most max(2^20, 256 × input
// length) pixels, and never more than 200 million; no WSQ fingerprint
// (typically 10–25:1 compression) comes near the relative bound. Filters are
// limited to 64 taps. The io.Reader adapters registered with package image
// read at most 256 MiB. Malformed input of any kind yields an error whose
// text starts with "wsq: "; the decoder does not panic.
//
// # Accuracy
//
// Arithmetic is float32, performed in the same order as the NIST NBIS
// reference decoder (and its Java port, JNBIS), including the decimal
// scaling of table values one power of ten at a time; conversions that
// forbid fused multiply-adds keep results the same on every architecture.
// On the project's 16 sample images (NIST and SourceAFIS samples of 0.3 to
// 1.6 megapixels, odd and even sizes) the output is identical to the
// reference decodes, every pixel.
//
// Truncated input is detected up front (no EOI marker after the header),
// so partial transfers fail in microseconds.
//
// Known differences from NBIS, none of which affect images produced by
// certified encoders:
//
//   - NBIS cannot process restart markers or DRT segments; this decoder
//     accepts both.
//   - For images so small that some subband is shorter than half a filter
//     (well under 100 pixels a side), NBIS's edge handling is not a proper
//     symmetric extension; this decoder extends consistently, so the
//     transform still reconstructs perfectly.
//   - A marker in the middle of an escape's 8- or 16-bit field is an error
//     here; NBIS sometimes reads it as data.
//   - Like NBIS, a stream that ends with fewer coefficients than its
//     subbands hold decodes with the rest as zero; more is an error.
package wsq
