// The Universal Category System (UCS) category list and what a UCS file name says.
// The list is data: resources/ucs/ucs_v8.2.1.csv (Category, SubCategory, CatID, CatShort, as
// the official UCS v8.2.1 spreadsheet has them), compiled into footfall_io by core/CMakeLists.txt.
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace footfall {

constexpr const char* kUcsVersion = "8.2.1";

struct UcsCategory {
    std::string category;    // "FOOTSTEPS"
    std::string subCategory; // "HUMAN"
    std::string catId;       // "FEETHmn" (case-sensitive)
    std::string catShort;    // "FEET"
};

const std::vector<UcsCategory>& ucsCategoryList();
// Exact, case-sensitive match; nullptr when the list has no such CatID.
const UcsCategory* findUcsCategory(std::string_view catId);
// The CatIDs nearest to `catId` by edit distance (ignoring case), nearest first.
std::vector<std::string> similarUcsCatIds(std::string_view catId, std::size_t count = 5);
// The category of `catId`; throws GenerationError naming the CatID and its close matches.
const UcsCategory& requireUcsCategory(std::string_view catId);

// The blocks of a UCS file name, as UCS tools split it:
// CatID(-UserCategory)_(VendorCategory-)FXName_CreatorID_SourceID(_UserData).
struct UcsFileName {
    std::string catId;
    std::string userCategory;
    std::string vendorCategory;
    std::string fxName; // without the VendorCategory
    std::string creatorId;
    std::string sourceId;
    std::string userData;
};
UcsFileName splitUcsFileName(const std::string& stem); // the name without its extension

// A take's "ucs" metadata record (sidecar keys are snake_case): cat_id, category, subcategory,
// category_full, fx_name, creator_id, source_id, user_category, vendor_category, user_data
// (empty strings when the name has no such block) and ucs_version. The category fields are
// empty for a CatID the list does not know.
nlohmann::json ucsRecord(const UcsFileName& name);

} // namespace footfall
