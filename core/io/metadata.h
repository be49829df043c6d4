// The per-take metadata dictionary (the seed's schema plus what reproduces the take),
// its JSON sidecar and its iXML rendering.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace footfall {

// Writes `<audio path without extension>.json` atomically; returns its path.
std::string writeSidecar(const std::string& audioPath, const nlohmann::json& metadata);
nlohmann::json readSidecar(const std::string& sidecarPath);
std::string sidecarPathFor(const std::string& audioPath);

// <BWFXML> with IXML_VERSION, PROJECT, NOTE and a FOOTFALL block holding the metadata.
std::string metadataToIxml(const nlohmann::json& metadata);

// Writes `text` to `path` through a temporary file in the same folder and a rename.
void writeFileAtomically(const std::string& path, const std::string& text);

} // namespace footfall
