// One generated take as the app keeps it: where it lives on disk, what the core recorded
// about it, and the user's verdict. Plain data; the audio itself is loaded on demand.
#pragma once

#include <nlohmann/json.hpp>

#include <QDateTime>
#include <QMetaType>
#include <QString>

#include <memory>
#include <optional>

namespace footfall {
struct Take;
}

namespace footfall::ui {

struct TakeRecord {
    QString audioPath;
    QString sidecarPath;
    nlohmann::json metadata = nlohmann::json::object(); // as the sidecar holds it
    int rating = 0;                                     // 0 ... 5
    bool favourite = false;
    bool rejected = false;
    QDateTime created;
    // A take whose files could not be written (a full disk, a read-only folder): why, in words,
    // and the take itself, kept in memory for Take ▸ Retry save (saveTake). Such a take is
    // shown in the list but never written to the persisted list: it has no file yet.
    QString saveError;
    std::shared_ptr<const footfall::Take> unsaved;
    bool isUnsaved() const { return !saveError.isEmpty(); }

    QString prompt() const;
    QString negativePrompt() const;
    qint64 seed() const;
    QString engine() const;
    QString loraSummary() const; // "name ×0.8, other ×1.2" or "—"
    double durationSeconds() const;
    // The loudness that ranks takes fairly (the core's loudnessForRanking rule).
    std::optional<double> loudnessLufs() const;
    std::optional<double> correlation() const;
    double peakDb() const;
    QString fileName() const;
    // A draft (generation/draft.h): its metadata records the full-quality settings.
    bool isDraft() const;
    // A variation: the init audio it was made from and its noise level (from the request).
    QString initAudio() const;
    std::optional<double> initNoiseLevel() const;

    nlohmann::json toJson() const;
    static TakeRecord fromJson(const nlohmann::json& json);
};

// Reads a string/number/bool from `json[key]` without throwing on a missing or odd value.
QString jsonText(const nlohmann::json& json, const char* key);
std::optional<double> jsonNumber(const nlohmann::json& json, const char* key);

} // namespace footfall::ui

Q_DECLARE_METATYPE(footfall::ui::TakeRecord)
