// The generation controls: prompt (with history and the footstep builder), negative prompt,
// engine/model/LoRAs, CFG, steps, sampler, seed, duration, takes, device, output folder;
// Generate/Cancel, honest progress and an inline error banner.
#pragma once

#include "generation_job.h"
#include "take_record.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QSpinBox;
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
    void setPromptText(const QString& prompt);
    // Every setting of a take, with its seed locked, so Generate reproduces it.
    void recall(const TakeRecord& take);
    void setSeedLocked(bool locked);
    void showSeedUsed(qint64 seed);
    void rememberPrompt(const QString& prompt); // adds to the history (most recent first)
    QStringList promptHistory() const;

    void setBusy(bool busy, int pending);
    void showProgress(const GenerationProgress& progress);
    void showStatus(const QString& text);
    void showError(const QString& message);
    void clearError();
    QString errorText() const;
    QString statusText() const;

    void loadSettings();
    void saveSettings() const;

    QPushButton* generateButton() const { return m_generate; }
    QPushButton* cancelButton() const { return m_cancel; }
    QComboBox* promptEdit() const { return m_prompt; }
    PromptBuilder* promptBuilder() const { return m_builder; }
    LoraListWidget* loraList() const { return m_loras; }

Q_SIGNALS:
    void generateRequested();
    void cancelRequested();

private:
    QWidget* buildEngineBox();
    QWidget* buildPromptBox();
    QWidget* buildSettingsBox();

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
    QPushButton* m_generate = nullptr;
    QPushButton* m_cancel = nullptr;
    QProgressBar* m_progress = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace footfall::ui
