#include "io/transliterate.h"

#include <array>
#include <cstdint>

namespace footfall {

namespace {

// U+00A0 ... U+00FF. Symbols without a plain-text spelling are dropped ("").
constexpr std::array<const char*, 96> kLatin1 = {
    " ", "!",  "",  "",  "",   "",  "|",  "",  "",  "(c)", "a", "\"", "",    "",    "(R)", "",
    "",  "+-", "2", "3", "'",  "u", "",   ".", "",  "1",   "o", "\"", "1/4", "1/2", "3/4", "?",
    "A", "A",  "A", "A", "Ae", "A", "AE", "C", "E", "E",   "E", "E",  "I",   "I",   "I",   "I",
    "D", "N",  "O", "O", "O",  "O", "Oe", "x", "O", "U",   "U", "U",  "Ue",  "Y",   "Th",  "ss",
    "a", "a",  "a", "a", "ae", "a", "ae", "c", "e", "e",   "e", "e",  "i",   "i",   "i",   "i",
    "d", "n",  "o", "o", "o",  "o", "oe", "/", "o", "u",   "u", "u",  "ue",  "y",   "th",  "y"};

// U+0100 ... U+017F (Latin Extended-A): the base letter, or the usual spelling of ligatures.
constexpr std::array<const char*, 128> kLatinExtendedA = {
    "A", "a", "A",  "a",  "A", "a", "C", "c", "C", "c", "C", "c", "C", "c", "D", "d",
    "D", "d", "E",  "e",  "E", "e", "E", "e", "E", "e", "E", "e", "G", "g", "G", "g",
    "G", "g", "G",  "g",  "H", "h", "H", "h", "I", "i", "I", "i", "I", "i", "I", "i",
    "I", "i", "IJ", "ij", "J", "j", "K", "k", "k", "L", "l", "L", "l", "L", "l", "L",
    "l", "L", "l",  "N",  "n", "N", "n", "N", "n", "n", "N", "n", "O", "o", "O", "o",
    "O", "o", "OE", "oe", "R", "r", "R", "r", "R", "r", "S", "s", "S", "s", "S", "s",
    "S", "s", "T",  "t",  "T", "t", "T", "t", "U", "u", "U", "u", "U", "u", "U", "u",
    "U", "u", "U",  "u",  "W", "w", "Y", "y", "Y", "Z", "z", "Z", "z", "Z", "z", "s"};

// Punctuation, spaces and a few letters outside the two tables; nullptr: not mapped.
const char* otherCodePoint(std::uint32_t cp) {
    if ((cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
        cp == 0x205F || cp == 0x3000)
        return " ";
    if ((cp >= 0x200B && cp <= 0x200F) || cp == 0xFEFF || cp == 0x2060)
        return ""; // zero-width characters and byte-order marks
    if ((cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212 || cp == 0x2043)
        return "-"; // hyphens, dashes, minus
    switch (cp) {
    case 0x2018: // single quotes and primes
    case 0x2019:
    case 0x201A:
    case 0x201B:
    case 0x2032:
    case 0x2039:
    case 0x203A:
        return "'";
    case 0x201C: // double quotes
    case 0x201D:
    case 0x201E:
    case 0x201F:
    case 0x2033:
        return "\"";
    case 0x2024:
        return ".";
    case 0x2025:
        return "..";
    case 0x2026:
        return "...";
    case 0x2022:
    case 0x00B7:
        return ".";
    case 0x0218: // Romanian comma-below letters (Latin Extended-B)
        return "S";
    case 0x0219:
        return "s";
    case 0x021A:
        return "T";
    case 0x021B:
        return "t";
    case 0x1E9E: // capital sharp s
        return "SS";
    default:
        return nullptr;
    }
}

// Decodes one code point at `i`; returns false (and the length of the bad sequence, at least
// one byte) for invalid UTF-8: overlong forms, surrogates, values above U+10FFFF.
bool decode(std::string_view s, std::size_t i, std::uint32_t& cp, std::size_t& length) {
    const auto byte = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char lead = byte(i);
    length = 1;
    if (lead < 0x80) {
        cp = lead;
        return true;
    }
    std::size_t need = 0;
    std::uint32_t min = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        need = 1;
        cp = lead & 0x1Fu;
        min = 0x80;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        need = 2;
        cp = lead & 0x0Fu;
        min = 0x800;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        need = 3;
        cp = lead & 0x07u;
        min = 0x10000;
    } else {
        return false;
    }
    if (i + need >= s.size())
        return false;
    for (std::size_t k = 1; k <= need; ++k) {
        const unsigned char c = byte(i + k);
        if ((c & 0xC0u) != 0x80u)
            return false;
        cp = (cp << 6) | (c & 0x3Fu);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return false;
    length = need + 1;
    return true;
}

} // namespace

std::string transliterateToAscii(std::string_view utf8) {
    std::string out;
    out.reserve(utf8.size());
    for (std::size_t i = 0; i < utf8.size();) {
        std::uint32_t cp = 0;
        std::size_t length = 1;
        const bool valid = decode(utf8, i, cp, length);
        i += length;
        if (!valid)
            continue;
        if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            out += ' ';
        } else if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x100) {
            out += kLatin1[cp - 0xA0];
        } else if (cp < 0x180) {
            out += kLatinExtendedA[cp - 0x100];
        } else if (cp == 0x0308) {
            // Combining diaeresis: a decomposed umlaut spells like the precomposed one.
            const char prev = out.empty() ? '\0' : out.back();
            if (prev == 'a' || prev == 'o' || prev == 'u' || prev == 'A' || prev == 'O' ||
                prev == 'U')
                out += 'e';
        } else if (const char* mapped = otherCodePoint(cp)) {
            out += mapped;
        }
        // Other combining marks and everything else: dropped.
    }
    return out;
}

} // namespace footfall
