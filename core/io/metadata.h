// The per-take metadata dictionary (the established keys plus what reproduces the take),
// its JSON sidecar and its iXML rendering.
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace footfall {

// Writes `<audio path without extension>.json` atomically; returns its path.
std::string writeSidecar(const std::string& audioPath, const nlohmann::json& metadata);
nlohmann::json readSidecar(const std::string& sidecarPath);
std::string sidecarPathFor(const std::string& audioPath);

// <BWFXML> (UTF-8) with IXML_VERSION, PROJECT, NOTE (the prompt), a USER block in the form
// Soundminer writes and BaseHead reads (EMBEDDER, DESCRIPTION and, for UCS-named takes, CATID,
// CATEGORY, SUBCATEGORY, CATEGORYFULL, FXNAME, CREATORID, SOURCEID, USERCATEGORY,
// VENDORCATEGORY), an ASWG block (contentType, originator, notes and the UCS fields as catId,
// category, subCategory, fxName, creatorId, sourceId, userCategory, vendorCategory), a FOOTFALL
// block rendering the metadata as elements for people and library tools, and FOOTFALL_METADATA:
// the metadata as JSON text, which metadataFromIxml reads back exactly.
std::string metadataToIxml(const nlohmann::json& metadata);
// The FOOTFALL_METADATA of an iXML document; empty when it has none or it is not valid JSON.
std::optional<nlohmann::json> metadataFromIxml(const std::string& ixml);

// Writes `text` to `path` through a temporary file in the same folder and a rename.
void writeFileAtomically(const std::string& path, const std::string& text);

} // namespace footfall
