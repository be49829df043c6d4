#include "generate/lora_list_widget.h"

#include <QAction>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QSlider>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace footfall::ui {

namespace {
constexpr int kSliderScale = 100; // slider units per 1.0 of strength
}

LoraListWidget::LoraListWidget(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("loraList"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    m_rows = new QVBoxLayout;
    m_rows->setSpacing(2);
    layout->addLayout(m_rows);
    m_add = new QPushButton(tr("Add LoRA…"), this);
    m_add->setObjectName(QStringLiteral("addLoraButton"));
    m_add->setToolTip(tr("Add a LoRA (.safetensors or .ckpt as LoRAW writes it)"));
    connect(m_add, &QPushButton::clicked, this, &LoraListWidget::browse);
    layout->addWidget(m_add, 0, Qt::AlignLeft);
}

void LoraListWidget::browse() {
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Choose LoRA files"), QString(), tr("LoRA (*.safetensors *.ckpt);;All files (*)"));
    for (const QString& f : files)
        addLora(f);
}

void LoraListWidget::addLora(const QString& path, double strength, const QString& configPath,
                             bool lorawGradioCompatible, bool doraIgnoreMagnitude) {
    auto* row = new QWidget(this);
    row->setProperty("loraPath", path);
    // Two lines: name, value and buttons; the strength slider under them at full width (the
    // panel is narrow, one line left the slider a few pixels).
    auto* v = new QVBoxLayout(row);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(0);
    auto* h = new QHBoxLayout;
    h->setContentsMargins(0, 0, 0, 0);
    auto* name = new QLabel(QFileInfo(path).completeBaseName(), row);
    name->setToolTip(path);
    name->setMinimumWidth(60);
    auto* slider = new QSlider(Qt::Horizontal, row);
    slider->setObjectName(QStringLiteral("loraStrength"));
    slider->setRange(0, static_cast<int>(RequestLimits::maxLoraStrength * kSliderScale));
    slider->setValue(static_cast<int>(std::lround(strength * kSliderScale)));
    slider->setAccessibleName(tr("Strength of %1").arg(name->text()));
    auto* value = new QLabel(row);
    value->setMinimumWidth(34);
    const auto showValue = [value](int v) {
        value->setText(QString::number(v / double(kSliderScale), 'f', 2));
    };
    showValue(slider->value());
    connect(slider, &QSlider::valueChanged, this, [this, showValue](int v) {
        showValue(v);
        Q_EMIT changed();
    });
    auto* config = new QToolButton(row);
    config->setObjectName(QStringLiteral("loraConfig"));
    config->setCheckable(true);
    config->setText(tr("cfg"));
    const auto showConfig = [row, config, name, path](const QString& cfg) {
        row->setProperty("loraConfig", cfg);
        config->setChecked(!cfg.isEmpty());
        config->setToolTip(
            cfg.isEmpty()
                ? tr("No LoRAW config: the LoRA's own metadata decides its rank "
                     "and targets. Click to choose a model_config.json with a "
                     "\"lora\" section.")
                : tr("LoRAW config: %1 (click to change, right-click to clear)").arg(cfg));
        name->setToolTip(cfg.isEmpty() ? path : QStringLiteral("%1\n%2").arg(path, cfg));
    };
    showConfig(configPath);
    config->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(config, &QToolButton::clicked, this, [this, row, showConfig] {
        const QString current = row->property("loraConfig").toString();
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Choose the LoRAW config"), current, tr("JSON (*.json);;All files (*)"));
        showConfig(file.isEmpty() ? current : file);
        Q_EMIT changed();
    });
    connect(config, &QToolButton::customContextMenuRequested, this, [this, showConfig] {
        showConfig(QString());
        Q_EMIT changed();
    });
    // The LoRAW merge options, as checkable actions in a "…" menu and in the row's context menu.
    auto* options = new QToolButton(row);
    options->setObjectName(QStringLiteral("loraOptions"));
    options->setText(QStringLiteral("…"));
    options->setCheckable(true); // shown pressed while an option differs from the default
    options->setPopupMode(QToolButton::InstantPopup);
    options->setStyleSheet(
        QStringLiteral("QToolButton::menu-indicator { image: none; width: 0; }"));
    auto* menu = new QMenu(options);
    menu->setToolTipsVisible(true);
    auto* gradio = menu->addAction(tr("Gradio-compatible strength (strength²)"));
    gradio->setObjectName(QStringLiteral("loraGradioAction"));
    gradio->setCheckable(true);
    gradio->setChecked(lorawGradioCompatible);
    gradio->setToolTip(
        tr("Apply the strength as LoRAW's Gradio UI does: the LoRA is scaled by strength "
           "squared and alpha/rank is not applied. Use it to match takes made there. "
           "Off: training-faithful (strength × alpha/rank, as the LoRA was trained)."));
    auto* dora = menu->addAction(tr("DoRA: ignore magnitude (LoRAW Gradio)"));
    dora->setObjectName(QStringLiteral("loraDoraAction"));
    dora->setCheckable(true);
    dora->setChecked(doraIgnoreMagnitude);
    options->setMenu(menu);
    row->addAction(gradio);
    row->addAction(dora);
    row->setContextMenuPolicy(Qt::ActionsContextMenu);
    const auto showOptions = [row, options, gradio, dora] {
        row->setProperty("loraGradio", gradio->isChecked());
        row->setProperty("loraDoraIgnoreMagnitude", dora->isChecked());
        // Gradio mode ignores DoRA magnitudes anyway; the DoRA choice is kept for later.
        dora->setEnabled(!gradio->isChecked());
        dora->setToolTip(
            gradio->isChecked()
                ? tr("Implied by Gradio-compatible strength: DoRA magnitudes are ignored.")
                : tr("For DoRA files only: ignore the magnitude vectors, as LoRAW's Gradio UI "
                     "does. Off: training-faithful (the magnitudes rescale each row). "
                     "Plain LoRA files are not affected."));
        QStringList on;
        if (gradio->isChecked())
            on << tr("Gradio-compatible strength (strength²)");
        if (dora->isChecked() && !gradio->isChecked())
            on << tr("DoRA: ignore magnitude (LoRAW Gradio)");
        options->setChecked(!on.isEmpty());
        options->setToolTip(on.isEmpty()
                                ? tr("Merge options (training-faithful; right-click the row "
                                     "for the same menu)")
                                : tr("Merge options: %1").arg(on.join(QStringLiteral("; "))));
    };
    showOptions();
    for (QAction* a : {gradio, dora})
        connect(a, &QAction::toggled, this, [this, showOptions] {
            showOptions();
            Q_EMIT changed();
        });
    auto* remove = new QToolButton(row);
    remove->setText(QStringLiteral("✕"));
    remove->setToolTip(tr("Remove this LoRA"));
    connect(remove, &QToolButton::clicked, this, [this, row] {
        row->deleteLater();
        m_rows->removeWidget(row);
        Q_EMIT changed();
    });
    h->addWidget(name, 1);
    h->addWidget(value);
    h->addWidget(config);
    h->addWidget(options);
    h->addWidget(remove);
    v->addLayout(h);
    v->addWidget(slider);
    m_rows->addWidget(row);
    Q_EMIT changed();
}

std::vector<LoraSelection> LoraListWidget::loras() const {
    std::vector<LoraSelection> out;
    for (int i = 0; i < m_rows->count(); ++i) {
        QWidget* row = m_rows->itemAt(i)->widget();
        if (!row)
            continue;
        LoraSelection l;
        l.path = row->property("loraPath").toString().toStdString();
        l.configPath = row->property("loraConfig").toString().toStdString();
        l.lorawGradioCompatible = row->property("loraGradio").toBool();
        l.doraIgnoreMagnitude = row->property("loraDoraIgnoreMagnitude").toBool();
        if (auto* s = row->findChild<QSlider*>())
            l.strength = s->value() / double(kSliderScale);
        out.push_back(l);
    }
    return out;
}

void LoraListWidget::setLoras(const std::vector<LoraSelection>& loras) {
    while (m_rows->count() > 0) {
        QLayoutItem* item = m_rows->takeAt(0);
        delete item->widget();
        delete item;
    }
    for (const auto& l : loras)
        addLora(QString::fromStdString(l.path), l.strength, QString::fromStdString(l.configPath),
                l.lorawGradioCompatible, l.doraIgnoreMagnitude);
    Q_EMIT changed();
}

void LoraListWidget::setConfigPath(int index, const QString& configPath) {
    QLayoutItem* item = index >= 0 && index < m_rows->count() ? m_rows->itemAt(index) : nullptr;
    QWidget* row = item ? item->widget() : nullptr;
    if (!row)
        return;
    auto* config = row->findChild<QToolButton*>(QStringLiteral("loraConfig"));
    row->setProperty("loraConfig", configPath);
    if (config) {
        config->setChecked(!configPath.isEmpty());
        config->setToolTip(configPath.isEmpty() ? tr("No LoRAW config")
                                                : tr("LoRAW config: %1").arg(configPath));
    }
    Q_EMIT changed();
}

int LoraListWidget::count() const {
    return m_rows->count();
}

} // namespace footfall::ui
