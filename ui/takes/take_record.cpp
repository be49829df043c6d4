#include "takes/take_record.h"

#include "audio/loudness.h"
#include "generation/draft.h"

#include <QFileInfo>
#include <QStringList>

namespace footfall::ui {

QString jsonText(const nlohmann::json& json, const char* key) {
    if (!json.is_object() || !json.contains(key))
        return {};
    const auto& v = json.at(key);
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_null())
        return {};
    return QString::fromStdString(v.dump());
}

std::optional<double> jsonNumber(const nlohmann::json& json, const char* key) {
    if (!json.is_object() || !json.contains(key) || !json.at(key).is_number())
        return std::nullopt;
    return json.at(key).get<double>();
}

QString TakeRecord::prompt() const {
    return jsonText(metadata, "prompt");
}
QString TakeRecord::negativePrompt() const {
    return jsonText(metadata, "negative_prompt");
}

qint64 TakeRecord::seed() const {
    const auto v = jsonNumber(metadata, "seed");
    return v ? static_cast<qint64>(*v) : -1;
}

bool TakeRecord::isDraft() const {
    return isDraftTake(metadata);
}

QString TakeRecord::initAudio() const {
    return metadata.contains("request") ? jsonText(metadata["request"], "init_audio") : QString();
}

std::optional<double> TakeRecord::initNoiseLevel() const {
    if (initAudio().isEmpty())
        return std::nullopt;
    return jsonNumber(metadata["request"], "init_noise_level");
}

QString TakeRecord::engine() const {
    return jsonText(metadata, "engine");
}

QString TakeRecord::loraSummary() const {
    if (!metadata.contains("loras") || !metadata["loras"].is_array() || metadata["loras"].empty())
        return QStringLiteral("—");
    QStringList parts;
    for (const auto& l : metadata["loras"]) {
        const QString name = QFileInfo(jsonText(l, "path")).completeBaseName();
        const double strength = jsonNumber(l, "strength").value_or(1.0);
        parts << QStringLiteral("%1 ×%2").arg(name).arg(strength, 0, 'f', 2);
    }
    return parts.join(QStringLiteral(", "));
}

double TakeRecord::durationSeconds() const {
    return jsonNumber(metadata, "actual_duration_seconds").value_or(0.0);
}

std::optional<double> TakeRecord::loudnessLufs() const {
    if (!metadata.contains("loudness"))
        return std::nullopt;
    return loudnessForRanking(loudnessFromJson(metadata["loudness"]));
}

std::optional<double> TakeRecord::correlation() const {
    if (!metadata.contains("phase_info"))
        return std::nullopt;
    return jsonNumber(metadata["phase_info"], "correlation");
}

double TakeRecord::peakDb() const {
    return jsonNumber(metadata, "peak_db").value_or(-120.0);
}

QString TakeRecord::fileName() const {
    return QFileInfo(audioPath).fileName();
}

nlohmann::json TakeRecord::toJson() const {
    return {{"audio_path", audioPath.toStdString()},
            {"sidecar_path", sidecarPath.toStdString()},
            {"metadata", metadata},
            {"rating", rating},
            {"favourite", favourite},
            {"rejected", rejected},
            {"created", created.toString(Qt::ISODate).toStdString()}};
}

TakeRecord TakeRecord::fromJson(const nlohmann::json& json) {
    TakeRecord r;
    r.audioPath = jsonText(json, "audio_path");
    r.sidecarPath = jsonText(json, "sidecar_path");
    if (json.contains("metadata") && json["metadata"].is_object())
        r.metadata = json["metadata"];
    r.rating = static_cast<int>(jsonNumber(json, "rating").value_or(0));
    r.favourite = json.value("favourite", false);
    r.rejected = json.value("rejected", false);
    r.created = QDateTime::fromString(jsonText(json, "created"), Qt::ISODate);
    return r;
}

} // namespace footfall::ui
