#include "lora_list_widget.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
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

void LoraListWidget::addLora(const QString& path, double strength, const QString& configPath) {
    auto* row = new QWidget(this);
    row->setProperty("loraPath", path);
    auto* h = new QHBoxLayout(row);
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
    auto* remove = new QToolButton(row);
    remove->setText(QStringLiteral("✕"));
    remove->setToolTip(tr("Remove this LoRA"));
    connect(remove, &QToolButton::clicked, this, [this, row] {
        row->deleteLater();
        m_rows->removeWidget(row);
        Q_EMIT changed();
    });
    h->addWidget(name, 1);
    h->addWidget(slider, 2);
    h->addWidget(value);
    h->addWidget(config);
    h->addWidget(remove);
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
        // Not shown yet: kept as they came (setLoras), so recall and settings round-trip them.
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
    for (const auto& l : loras) {
        addLora(QString::fromStdString(l.path), l.strength, QString::fromStdString(l.configPath));
        if (QWidget* row = m_rows->itemAt(m_rows->count() - 1)->widget()) {
            row->setProperty("loraGradio", l.lorawGradioCompatible);
            row->setProperty("loraDoraIgnoreMagnitude", l.doraIgnoreMagnitude);
        }
    }
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
