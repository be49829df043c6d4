#include "views/metadata_panel.h"

#include <QApplication>
#include <QClipboard>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPushButton>
#include <QSet>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <vector>

namespace footfall::ui {

namespace {

struct Field {
    const char* key;
    const char* label;
};
struct Group {
    const char* title;
    std::vector<Field> fields;
};

// Group titles and field labels: the established keys first, then the reproduction keys.
const std::vector<Group>& groups() {
    static const std::vector<Group> g = {
        {QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Summary"),
         {{"prompt", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Prompt")},
          {"negative_prompt", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Negative prompt")},
          {"seed", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Seed")},
          {"engine", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Engine")},
          {"output_path", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "File")},
          {"timestamp", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Created")},
          {"format", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Format")},
          {"success", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Success")}}},
        {QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Performance"),
         {{"generation_time_seconds", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Time (s)")},
          {"generation_time_minutes",
           QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Time (min)")},
          {"device", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Device")}}},
        {QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Audio properties"),
         {{"sample_rate", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Sample rate (Hz)")},
          {"channels", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Channels")},
          {"num_samples", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Samples")},
          {"audio_shape", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Shape")},
          {"target_duration_seconds",
           QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Requested duration (s)")},
          {"actual_duration_seconds",
           QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Duration (s)")}}},
        {QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Statistics"),
         {{"max_amplitude", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Sample peak")},
          {"peak_db", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Peak (dBFS)")},
          {"rms", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "RMS")},
          {"rms_db", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "RMS (dBFS)")},
          {"rms_convention", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "RMS convention")}}},
        {QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Loudness"), {{"loudness", ""}}},
        {QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Phase analysis"), {{"phase_info", ""}}},
        {QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Settings"),
         {{"cfg_scale", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "CFG scale")},
          {"diffusion_steps", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Steps")},
          {"sampler", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Sampler")},
          {"loras", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "LoRAs")},
          {"checkpoint", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Checkpoint")},
          {"config", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Config")},
          {"model", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Model")},
          {"engine_details", QT_TRANSLATE_NOOP("footfall::ui::MetadataPanel", "Engine details")}}},
    };
    return g;
}

QString display(const nlohmann::json& v) {
    if (v.is_null())
        return QStringLiteral("—");
    if (v.is_string())
        return QString::fromStdString(v.get<std::string>());
    if (v.is_number_float()) {
        const double d = v.get<double>();
        return QString::number(d, 'g', std::abs(d) >= 100 ? 8 : 5);
    }
    return QString::fromStdString(v.dump());
}

QString prettyKey(const std::string& key) {
    QString s = QString::fromStdString(key);
    s.replace(QLatin1Char('_'), QLatin1Char(' '));
    if (!s.isEmpty())
        s[0] = s[0].toUpper();
    return s;
}

// Objects and arrays of objects become child rows, so nothing is hidden in a JSON blob.
void addValue(QTreeWidgetItem* parent, const QString& label, const nlohmann::json& v) {
    auto* item = new QTreeWidgetItem(parent, {label, QString()});
    item->setToolTip(0, label);
    if (v.is_object() && !v.empty()) {
        for (auto it = v.begin(); it != v.end(); ++it)
            addValue(item, prettyKey(it.key()), it.value());
        item->setExpanded(true);
    } else if (v.is_array() && !v.empty() && v.front().is_object()) {
        for (std::size_t i = 0; i < v.size(); ++i)
            addValue(item, QStringLiteral("#%1").arg(i + 1), v[i]);
        item->setExpanded(true);
    } else {
        item->setText(1, display(v));
        item->setToolTip(1, display(v));
    }
}

void appendText(const QTreeWidgetItem* item, int depth, QString& out) {
    out += QString(depth * 2, QLatin1Char(' ')) + item->text(0);
    if (!item->text(1).isEmpty())
        out += QStringLiteral(": ") + item->text(1);
    out += QLatin1Char('\n');
    for (int i = 0; i < item->childCount(); ++i)
        appendText(item->child(i), depth + 1, out);
}

} // namespace

MetadataPanel::MetadataPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("metadataPanel"));
    m_tree = new QTreeWidget(this);
    m_tree->setObjectName(QStringLiteral("metadataTree"));
    m_tree->setColumnCount(2);
    m_tree->setHeaderLabels({tr("Field"), tr("Value")});
    // A value that does not fit is elided at the end (the start of a prompt or a path says
    // most) and carries its full text in a tooltip; labels likewise.
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->resizeSection(0, 150);
    m_tree->setIndentation(12);
    m_tree->setTextElideMode(Qt::ElideRight);
    m_tree->setUniformRowHeights(true);
    m_tree->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_tree->setAlternatingRowColors(true);
    m_copy = new QPushButton(tr("Copy"), this);
    m_copy->setToolTip(tr("Copy all fields as text"));
    m_copyJson = new QPushButton(tr("Copy JSON"), this);
    m_copyJson->setToolTip(tr("Copy the metadata dictionary as JSON"));
    connect(m_copy, &QPushButton::clicked, this, &MetadataPanel::copyAll);
    connect(m_copyJson, &QPushButton::clicked, this, &MetadataPanel::copyJson);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_copy);
    buttons->addWidget(m_copyJson);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_tree);
    layout->addLayout(buttons);
    clear();
}

void MetadataPanel::clear() {
    m_metadata = nlohmann::json::object();
    m_tree->clear();
    m_copy->setEnabled(false);
    m_copyJson->setEnabled(false);
}

void MetadataPanel::setMetadata(const nlohmann::json& metadata, const QString& audioPath) {
    m_metadata = metadata;
    m_tree->clear();
    // "request" repeats the settings shown above in the form recall reads; it stays in the
    // copied JSON but would only list every setting twice here.
    QSet<QString> shown{QStringLiteral("request")};
    for (const Group& g : groups()) {
        auto* top = new QTreeWidgetItem(m_tree, {tr(g.title), QString()});
        QFont f = top->font(0);
        f.setBold(true);
        top->setFont(0, f);
        for (const Field& field : g.fields) {
            shown.insert(QString::fromLatin1(field.key));
            if (!metadata.contains(field.key))
                continue;
            const auto& v = metadata.at(field.key);
            if (*field.label == 0 && v.is_object()) { // the group is this object
                for (auto it = v.begin(); it != v.end(); ++it)
                    addValue(top, prettyKey(it.key()), it.value());
            } else {
                addValue(top, tr(field.label), v);
            }
        }
        if (QString::fromLatin1(g.title) == QLatin1String("Summary") &&
            !metadata.contains("output_path"))
            addValue(top, tr("File"), audioPath.toStdString());
        top->setExpanded(true);
    }
    auto* other = new QTreeWidgetItem(m_tree, {tr("Other"), QString()});
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        if (!shown.contains(QString::fromStdString(it.key())))
            addValue(other, prettyKey(it.key()), it.value());
    if (other->childCount() == 0)
        delete other;
    else
        other->setExpanded(true);
    m_copy->setEnabled(true);
    m_copyJson->setEnabled(true);
}

QString MetadataPanel::value(const QString& group, const QString& label) const {
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const auto* top = m_tree->topLevelItem(i);
        if (top->text(0) != group)
            continue;
        for (int j = 0; j < top->childCount(); ++j)
            if (top->child(j)->text(0) == label)
                return top->child(j)->text(1);
    }
    return {};
}

QString MetadataPanel::toPlainText() const {
    QString out;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        appendText(m_tree->topLevelItem(i), 0, out);
    return out;
}

void MetadataPanel::copyAll() {
    QApplication::clipboard()->setText(toPlainText());
}

void MetadataPanel::copyJson() {
    QApplication::clipboard()->setText(QString::fromStdString(m_metadata.dump(2)));
}

} // namespace footfall::ui
