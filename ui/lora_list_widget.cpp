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

void LoraListWidget::addLora(const QString& path, double strength) {
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
        addLora(QString::fromStdString(l.path), l.strength);
    Q_EMIT changed();
}

int LoraListWidget::count() const {
    return m_rows->count();
}

} // namespace footfall::ui
