// Package minutiae is the fingerprint and palm feature layer of bms: the
// minutia model, reading and writing the interchange template formats, image
// input, and (in later work) extraction, template quality and the 1:1
// comparison core.
//
// # Data model
//
// A [Record] holds one or more views ([Template]) — several fingers of one
// person, several impressions of one finger, or palm regions. A Template
// carries the minutiae of one view with the image geometry they refer to:
// coordinates are pixels from the top-left corner of the image (x right, y
// down) at the template's resolution (pixels per centimetre, as in
// ISO/IEC 19794-2); directions are [Angle] values, 1/65536 of a turn
// counter-clockwise from the x axis as seen on screen. Finger and palm
// positions and impression types use the ANSI/NIST-ITL 1-2011 codes, which
// ISO and ANSI template formats share for fingers.
//
// # Data flow
//
// Bytes from another system enter through [Decode], which recognises the
// format (ISO/IEC 19794-2:2005 and :2011, ANSI INCITS 378-2004, -2009 and
// -2009/AM1, NIST .xyt) and returns a Record; [Encode] writes a Record in any
// of these formats. Images enter through [DecodeImage] (PNG, JPEG, GIF, TIFF,
// BMP, PGM, WSQ), which also reports the resolution stored in the file.
// Decoders never trust sizes read from headers: every allocation is bounded
// by the input length or a documented limit, and malformed input yields an
// error, never a panic.
//
// # Extraction
//
// [Extract] (or [ExtractImage], which takes the resolution from the file)
// turns a grey image into a Template: the image is resampled to 500 ppi,
// segmented, its orientation field and ridge period estimated, enhanced with
// oriented filters tuned to the local period, binarised, cleared of pores
// and specks, and thinned;
// endings and bifurcations are read from the skeleton, false ones (border,
// spurs, bridges, short ridges, breaks, loops, clusters) removed, and each
// gets a quality 0–100. Coordinates come back at the original resolution;
// directions follow ISO/IEC 19794-2 as FingerJet FX writes them (an ending
// points along its ridge away from the end, a bifurcation between its
// branches away from the stem). The template carries one quality record
// (0–100, from orientation certainty, usable area and minutiae count) and
// the cores and deltas found. Latent impression codes smooth more and drop
// the minimum area, and honour an optional region of interest; palm codes
// process the image in overlapping tiles so that memory stays bounded. On
// the development machine (one core) an FVC2000 DB1 image takes a median
// of 6.1 ms; internal/extract describes the pipeline and docs/extraction.md
// the measurements.
//
// A slap (four fingers of a hand, or both thumbs, in one image) is split
// first: [SegmentSlap] finds the fingertips in the image's ridge texture
// and gives each its finger position, [ExtractSlap] extracts each as its
// own template. [CheckSequence] then compares a ten-print record's plain
// fingers with its rolled ones, the card's check that every rolled print
// sits in its own box.
//
// # Comparison
//
// [Prepare] turns a Template into its candidate-side form; a [Matcher]
// holds a prepared probe and compares it with many candidates without
// allocating. [Matcher.Compare] scores two whole prints;
// [Matcher.CompareLatent] scores a latent against a whole print (either
// side), normalising by the latent and by the whole print's minutiae
// inside the latent's area only. [DefaultCalibration] and
// [DefaultLatentCalibration] map the two kinds of score to false-match
// rates. docs/matching.md describes the method and its measurements.
package minutiae
