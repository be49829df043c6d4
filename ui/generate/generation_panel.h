// The generation controls: prompt (with history and the footstep builder), negative prompt,
// engine/model/LoRAs, CFG, steps, sampler, seed, duration, takes, device, output folder;
// init audio to vary (with its noise level);
// the SAO options (precision, low memory, full window, T5 folder) in an "Advanced" group;
// Generate/Cancel (Draft: quick takes of the same settings), honest progress, an inline error
// banner, the queue of waiting prompts (removable) and a short log of finished and failed runs.
#pragma once

#include "generate/generation_job.h"
#include "takes/take_record.h"

#include "generation/generation_request.h"

#include <nlohmann/json.hpp>

#include <QPair>
#include <QVector>
#include <QWidget>

#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QListWidget;
class QProgressBar;
class QPushButton;
class QSlider;
class QSpinBox;
class QTimer;
class QToolButton;

namespace footfall::ui {

class LoraListWidget;
class PromptBuilder;

class GenerationPanel : public QWidget {
    Q_OBJECT
public:
    explicit GenerationPanel(QWidget* parent = nullptr);

    GenerationJob makeJob() const;
    QString promptText() const;
    // The folder new takes go to (the setting, or the default library folder when empty).
    QString outputFolder() const;
    void setPromptText(const QString& prompt);
    // Every setting of a take, with its seed locked, so Generate reproduces it.
    void recall(const TakeRecord& take);
    void setSeedLocked(bool locked);
    // Init audio: Generate makes a variation of this WAV/FLAC file (SAO only; the procedural
    // engine refuses it in words). Empty: none. The noise level is how far it may move.
    QString initAudio() const { return m_initPath; }
    void setInitAudio(const QString& path);
    double initNoiseLevel() const;
    void setInitNoiseLevel(double level);
    // Why `path` cannot be init audio (one sentence), empty when it is a WAV or FLAC file.
    static QString initAudioProblem(const QString& path);
    // Draft: Generate runs the draft preset (generation/draft.h) of these settings.
    bool draftMode() const;
    void setDraftMode(bool draft);
    void showSeedUsed(qint64 seed);
    void rememberPrompt(const QString& prompt); // adds to the history (most recent first)
    QStringList promptHistory() const;

    void setBusy(bool busy, int pending);
    // The bar, the status line and the time label; between reports the label's clock runs on
    // (once a second) from the latest estimate.
    void showProgress(const GenerationProgress& progress);
    void showStatus(const QString& text);
    void showError(const QString& message);
    void clearError();
    QString errorText() const;
    QString statusText() const;
    QString etaText() const; // the time label next to the progress bar

    // The queue of waiting prompts: (job id, prompt), in run order.
    void setPending(const QVector<QPair<int, QString>>& jobs);
    // One line in the run log, newest first (kept to kMaxLogEntries).
    void addLogEntry(const QString& text, bool ok);
    QStringList logEntries() const;
    static constexpr int kMaxLogEntries = 30;

    void loadSettings();
    void saveSettings() const;

    QPushButton* generateButton() const { return m_generate; }
    QPushButton* cancelButton() const { return m_cancel; }
    QToolButton* draftButton() const { return m_draft; }
    QComboBox* promptEdit() const { return m_prompt; }
    PromptBuilder* promptBuilder() const { return m_builder; }
    LoraListWidget* loraList() const { return m_loras; }
    QListWidget* queueList() const { return m_queueList; }
    QListWidget* runLog() const { return m_log; }

Q_SIGNALS:
    void generateRequested();
    void cancelRequested();
    void removePendingRequested(int jobId);

private:
    QWidget* buildEngineBox();
    QWidget* buildPromptBox();
    QWidget* buildSettingsBox();
    QWidget* buildAdvancedBox();
    QWidget* buildInitAudioBox();
    void updateInitAudioState(); // file name, × and whether the engine can use it
    QWidget* buildQueueBox();
    void removeSelectedPending();
    void showTiming();

    QComboBox* m_engine = nullptr;
    QLineEdit* m_modelDir = nullptr;
    LoraListWidget* m_loras = nullptr;
    QComboBox* m_device = nullptr;
    QComboBox* m_prompt = nullptr;
    QLineEdit* m_negative = nullptr;
    QToolButton* m_builderToggle = nullptr;
    PromptBuilder* m_builder = nullptr;
    QDoubleSpinBox* m_duration = nullptr;
    QSpinBox* m_takes = nullptr;
    QSpinBox* m_steps = nullptr;
    QDoubleSpinBox* m_cfg = nullptr;
    QComboBox* m_sampler = nullptr;
    QLineEdit* m_seed = nullptr;
    QCheckBox* m_seedLock = nullptr;
    QLineEdit* m_outputDir = nullptr;
    QToolButton* m_advancedToggle = nullptr;
    QWidget* m_advanced = nullptr;
    QComboBox* m_precision = nullptr;
    QCheckBox* m_lowMemory = nullptr;
    QCheckBox* m_fullWindow = nullptr;
    QLineEdit* m_t5Dir = nullptr;
    QString m_initPath;
    QToolButton* m_initToggle = nullptr;
    QWidget* m_initBox = nullptr;
    QLineEdit* m_initName = nullptr;
    QToolButton* m_initClear = nullptr;
    QSlider* m_initNoiseSlider = nullptr;
    QDoubleSpinBox* m_initNoise = nullptr;
    QLabel* m_initHint = nullptr;
    QListWidget* m_queueList = nullptr;
    QToolButton* m_removePending = nullptr;
    QListWidget* m_log = nullptr;
    QPushButton* m_generate = nullptr;
    QPushButton* m_cancel = nullptr;
    QToolButton* m_draft = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_eta = nullptr;
    QTimer* m_etaTimer = nullptr;
    std::optional<ProgressEstimate> m_timing; // the latest report's, for the ticking label
    QLabel* m_status = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace footfall::ui
