#include "io/metadata.h"

#include "footfall_version.h"
#include "io/audio_file.h"

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace footfall {

namespace fs = std::filesystem;

void writeFileAtomically(const std::string& path, const std::string& text) {
    writeBytesAtomically(path, text);
}

std::string sidecarPathFor(const std::string& audioPath) {
    fs::path p(audioPath);
    p.replace_extension(".json");
    return p.string();
}

std::string writeSidecar(const std::string& audioPath, const nlohmann::json& metadata) {
    const std::string path = sidecarPathFor(audioPath);
    writeFileAtomically(path, metadata.dump(2) + "\n");
    return path;
}

nlohmann::json readSidecar(const std::string& sidecarPath) {
    std::ifstream in(sidecarPath);
    if (!in)
        throw std::runtime_error("cannot read " + sidecarPath);
    return nlohmann::json::parse(in);
}

namespace {

std::string xmlEscape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (char c : s) {
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        default:
            // Control characters are not allowed in XML 1.0.
            if (static_cast<unsigned char>(c) >= 0x20 || c == '\n' || c == '\t')
                out += c;
        }
    }
    return out;
}

// Element names: JSON keys are snake_case ASCII already; anything else becomes '_'.
std::string xmlName(const std::string& key) {
    std::string out;
    for (char c : key)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
    if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
        out = "_" + out;
    return out;
}

void renderJson(std::ostringstream& xml, const std::string& name, const nlohmann::json& value,
                int depth) {
    const std::string indent(static_cast<std::size_t>(depth) * 2, ' ');
    const std::string tag = xmlName(name);
    if (value.is_object()) {
        xml << indent << "<" << tag << ">\n";
        for (auto it = value.begin(); it != value.end(); ++it)
            renderJson(xml, it.key(), it.value(), depth + 1);
        xml << indent << "</" << tag << ">\n";
    } else if (value.is_array()) {
        xml << indent << "<" << tag << ">\n";
        for (const auto& item : value)
            renderJson(xml, "ITEM", item, depth + 1);
        xml << indent << "</" << tag << ">\n";
    } else if (value.is_null()) {
        xml << indent << "<" << tag << "/>\n";
    } else {
        xml << indent << "<" << tag << ">"
            << xmlEscape(value.is_string() ? value.get<std::string>() : value.dump()) << "</" << tag
            << ">\n";
    }
}

std::string xmlUnescape(const std::string& s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '&') {
            out += s[i];
            continue;
        }
        const std::size_t end = s.find(';', i);
        if (end == std::string::npos) {
            out += s[i];
            continue;
        }
        const std::string entity = s.substr(i + 1, end - i - 1);
        if (entity == "amp")
            out += '&';
        else if (entity == "lt")
            out += '<';
        else if (entity == "gt")
            out += '>';
        else if (entity == "quot")
            out += '"';
        else if (entity == "apos")
            out += '\'';
        else if (entity.size() > 1 && entity[0] == '#') {
            // Numeric references: only what JSON text needs (ASCII); others stay as written.
            const bool hex = entity[1] == 'x' || entity[1] == 'X';
            const long code = std::strtol(entity.c_str() + (hex ? 2 : 1), nullptr, hex ? 16 : 10);
            if (code <= 0 || code > 0x7f) {
                out += s.substr(i, end - i + 1);
                i = end;
                continue;
            }
            out += static_cast<char>(code);
        } else {
            out += s.substr(i, end - i + 1);
        }
        i = end;
    }
    return out;
}

std::string text(const nlohmann::json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

void element(std::ostringstream& xml, int depth, const std::string& name,
             const std::string& value) {
    if (!value.empty())
        xml << std::string(static_cast<std::size_t>(depth) * 2, ' ') << "<" << name << ">"
            << xmlEscape(value) << "</" << name << ">\n";
}

} // namespace

std::string metadataToIxml(const nlohmann::json& metadata) {
    const std::string prompt = metadata.is_object() ? text(metadata, "prompt") : std::string();
    const nlohmann::json ucs =
        metadata.is_object() && metadata.contains("ucs") && metadata["ucs"].is_object()
            ? metadata["ucs"]
            : nlohmann::json::object();
    std::ostringstream xml;
    xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BWFXML>\n";
    xml << "  <IXML_VERSION>2.10</IXML_VERSION>\n";
    xml << "  <PROJECT>Footfall</PROJECT>\n";
    element(xml, 1, "NOTE", prompt);
    // The Soundminer/BaseHead USER fields (upper case), then the ASWG (Sony G006) ones.
    xml << "  <USER>\n";
    element(xml, 2, "EMBEDDER", "Footfall");
    element(xml, 2, "DESCRIPTION", prompt);
    for (const auto& [key, tag] : std::initializer_list<std::pair<const char*, const char*>>{
             {"cat_id", "CATID"},
             {"category", "CATEGORY"},
             {"subcategory", "SUBCATEGORY"},
             {"category_full", "CATEGORYFULL"},
             {"fx_name", "FXNAME"},
             {"creator_id", "CREATORID"},
             {"source_id", "SOURCEID"},
             {"user_category", "USERCATEGORY"},
             {"vendor_category", "VENDORCATEGORY"}})
        element(xml, 2, tag, text(ucs, key));
    xml << "  </USER>\n";
    xml << "  <ASWG>\n";
    element(xml, 2, "contentType", "sfx");
    element(xml, 2, "originator", std::string("Footfall ") + FOOTFALL_VERSION);
    element(xml, 2, "notes", prompt);
    for (const auto& [key, tag] : std::initializer_list<std::pair<const char*, const char*>>{
             {"cat_id", "catId"},
             {"category", "category"},
             {"subcategory", "subCategory"},
             {"fx_name", "fxName"},
             {"creator_id", "creatorId"},
             {"source_id", "sourceId"},
             {"user_category", "userCategory"},
             {"vendor_category", "vendorCategory"}})
        element(xml, 2, tag, text(ucs, key));
    xml << "  </ASWG>\n";
    renderJson(xml, "FOOTFALL", metadata, 1);
    // Exact types (numbers, nulls, arrays) do not survive the element rendering: the JSON does.
    element(xml, 1, "FOOTFALL_METADATA",
            metadata.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    xml << "</BWFXML>\n";
    return xml.str();
}

std::optional<nlohmann::json> metadataFromIxml(const std::string& ixml) {
    const std::string open = "<FOOTFALL_METADATA>", close = "</FOOTFALL_METADATA>";
    const std::size_t start = ixml.find(open);
    if (start == std::string::npos)
        return std::nullopt;
    const std::size_t end = ixml.find(close, start);
    if (end == std::string::npos)
        return std::nullopt;
    const std::string body =
        xmlUnescape(ixml.substr(start + open.size(), end - start - open.size()));
    nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded())
        return std::nullopt;
    return j;
}

} // namespace footfall
