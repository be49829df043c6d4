#include "io/metadata.h"

#include "footfall_version.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace footfall {

namespace fs = std::filesystem;

void writeFileAtomically(const std::string& path, const std::string& text) {
    const fs::path target(path);
    const fs::path dir = target.has_parent_path() ? target.parent_path() : fs::path(".");
    const fs::path tmp =
        dir / ("." + target.filename().string() + "." + std::to_string(::getpid()) + ".part");
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out)
            throw std::runtime_error("cannot write " + path);
        out << text;
        out.flush();
        if (!out) {
            out.close();
            fs::remove(tmp);
            throw std::runtime_error("cannot write " + path + " (disk full?)");
        }
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) {
        fs::remove(tmp);
        throw std::runtime_error("cannot move " + tmp.string() + " to " + path + ": " +
                                 ec.message());
    }
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

} // namespace

std::string metadataToIxml(const nlohmann::json& metadata) {
    std::ostringstream xml;
    xml << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<BWFXML>\n";
    xml << "  <IXML_VERSION>2.10</IXML_VERSION>\n";
    xml << "  <PROJECT>Footfall</PROJECT>\n";
    if (metadata.contains("prompt") && metadata["prompt"].is_string())
        xml << "  <NOTE>" << xmlEscape(metadata["prompt"].get<std::string>()) << "</NOTE>\n";
    // ASWG (Sony G006) fields a library tool can index.
    xml << "  <ASWG>\n    <contentType>sfx</contentType>\n    <category>FOOTSTEPS</category>\n"
        << "    <originator>Footfall " << FOOTFALL_VERSION << "</originator>\n  </ASWG>\n";
    renderJson(xml, "FOOTFALL", metadata, 1);
    xml << "</BWFXML>\n";
    return xml.str();
}

} // namespace footfall
