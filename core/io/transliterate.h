// UTF-8 text to plain ASCII for the fields that must be ASCII: file names (including the UCS
// FXName) and the BWF bext text fields. iXML, FLAC comments and the sidecar keep exact UTF-8.
#pragma once

#include <string>
#include <string_view>

namespace footfall {

// Letters with diacritics become their base letters, German umlauts and ß their two-letter
// forms (ä -> ae, Ö -> Oe, ß -> ss), ligatures and other letters of Latin-1 and Latin
// Extended-A their usual spellings (æ -> ae, ł -> l, Þ -> Th), typographic quotes, dashes,
// ellipses and special spaces their ASCII look-alikes. Control characters become a space.
// Everything else (other scripts, symbols, invalid UTF-8) is dropped. A combining diaeresis
// after a, o or u (decomposed umlauts) adds the 'e' as the precomposed letter would.
std::string transliterateToAscii(std::string_view utf8);

} // namespace footfall
