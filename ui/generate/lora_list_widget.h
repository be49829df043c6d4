// Several LoRAs, each with a strength slider (0 … 2) and an optional LoRAW config file
// (model_config with a "lora" section) and the LoRAW merge options (Gradio-compatible strength,
// DoRA magnitude) in a "…" menu and the row's context menu, as GenerationRequest::loras.
#pragma once

#include "generation/generation_request.h"

#include <QWidget>

#include <vector>

class QVBoxLayout;
class QPushButton;

namespace footfall::ui {

class LoraListWidget : public QWidget {
    Q_OBJECT
public:
    explicit LoraListWidget(QWidget* parent = nullptr);

    std::vector<LoraSelection> loras() const;
    void setLoras(const std::vector<LoraSelection>& loras);
    void addLora(const QString& path, double strength = 1.0, const QString& configPath = {},
                 bool lorawGradioCompatible = false, bool doraIgnoreMagnitude = false);
    // Sets the config of row `index` (empty: none).
    void setConfigPath(int index, const QString& configPath);
    int count() const;

Q_SIGNALS:
    void changed();

private:
    void browse();

    QVBoxLayout* m_rows = nullptr;
    QPushButton* m_add = nullptr;
};

} // namespace footfall::ui
