#include "io/ucs.h"

#include "base/errors.h"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace footfall {

extern const char* const kUcsCategoriesCsv; // generated from resources/ucs/

namespace {

std::vector<UcsCategory> parseList(const char* csv) {
    std::vector<UcsCategory> list;
    std::istringstream in(csv);
    std::string line;
    bool header = true;
    while (std::getline(in, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.empty() || line[0] == '#')
            continue;
        if (header) { // Category,SubCategory,CatID,CatShort
            header = false;
            continue;
        }
        std::vector<std::string> cells;
        std::istringstream row(line);
        for (std::string cell; std::getline(row, cell, ',');)
            cells.push_back(cell);
        if (cells.size() >= 4)
            list.push_back({cells[0], cells[1], cells[2], cells[3]});
    }
    return list;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] != b[j - 1])});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::vector<std::string> split(const std::string& s, char separator) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    for (std::size_t at; (at = s.find(separator, start)) != std::string::npos; start = at + 1)
        parts.push_back(s.substr(start, at - start));
    parts.push_back(s.substr(start));
    return parts;
}

} // namespace

const std::vector<UcsCategory>& ucsCategoryList() {
    static const std::vector<UcsCategory> list = parseList(kUcsCategoriesCsv);
    return list;
}

const UcsCategory* findUcsCategory(std::string_view catId) {
    for (const UcsCategory& c : ucsCategoryList())
        if (c.catId == catId)
            return &c;
    return nullptr;
}

std::vector<std::string> similarUcsCatIds(std::string_view catId, std::size_t count) {
    const std::string wanted = lower(catId);
    std::vector<std::pair<std::size_t, std::string>> scored;
    for (const UcsCategory& c : ucsCategoryList())
        scored.emplace_back(editDistance(wanted, lower(c.catId)), c.catId);
    std::sort(scored.begin(), scored.end());
    std::vector<std::string> out;
    for (std::size_t i = 0; i < scored.size() && i < count; ++i)
        out.push_back(scored[i].second);
    return out;
}

const UcsCategory& requireUcsCategory(std::string_view catId) {
    if (const UcsCategory* c = findUcsCategory(catId))
        return *c;
    std::string message = "unknown UCS CatID \"" + std::string(catId) + "\" (UCS v" + kUcsVersion +
                          "; CatIDs are case-sensitive); close matches: ";
    const std::vector<std::string> near = similarUcsCatIds(catId);
    for (std::size_t i = 0; i < near.size(); ++i)
        message += (i ? ", " : "") + near[i];
    throw GenerationError(message);
}

UcsFileName splitUcsFileName(const std::string& stem) {
    UcsFileName n;
    const std::vector<std::string> blocks = split(stem, '_');
    const auto block = [&blocks](std::size_t i) { return i < blocks.size() ? blocks[i] : ""; };
    const std::string first = block(0);
    const std::size_t dash = first.find('-');
    n.catId = first.substr(0, dash);
    if (dash != std::string::npos)
        n.userCategory = first.substr(dash + 1);
    n.fxName = block(1);
    const std::size_t vendor = n.fxName.find('-');
    if (vendor != std::string::npos) {
        n.vendorCategory = n.fxName.substr(0, vendor);
        n.fxName = n.fxName.substr(vendor + 1);
    }
    n.creatorId = block(2);
    n.sourceId = block(3);
    for (std::size_t i = 4; i < blocks.size(); ++i)
        n.userData += (i > 4 ? "_" : "") + blocks[i];
    return n;
}

nlohmann::json ucsRecord(const UcsFileName& name) {
    const UcsCategory* c = findUcsCategory(name.catId);
    nlohmann::json r;
    r["cat_id"] = name.catId;
    r["category"] = c ? c->category : "";
    r["subcategory"] = c ? c->subCategory : "";
    r["category_full"] = c ? c->category + "-" + c->subCategory : "";
    r["fx_name"] = name.fxName;
    r["creator_id"] = name.creatorId;
    r["source_id"] = name.sourceId;
    r["user_category"] = name.userCategory;
    r["vendor_category"] = name.vendorCategory;
    r["user_data"] = name.userData;
    r["ucs_version"] = kUcsVersion;
    return r;
}

} // namespace footfall
