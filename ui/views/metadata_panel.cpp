#include "views/metadata_panel.h"

#include <QApplication>
#include <QClipboard>
#include <QCoreApplication>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QPainter>
#include <QPushButton>
#include <QSet>
#include <QStyledItemDelegate>
#include <QTextLayout>
#include <QTimer>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QVBoxLayout>

#include <algorithm>
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

// `text` broken into lines no wider than `width`: at word boundaries, or anywhere where a word
// (a path) is wider than the line. At most `maxLines`: when the text goes on, the last line
// holds the rest elided in the middle, so that the end of a path (its file name) stays.
QStringList wrapText(const QString& raw, const QFont& font, int width, int maxLines) {
    QString text = raw;
    text.replace(QLatin1Char('\n'), QLatin1Char(' '));
    if (text.isEmpty() || width <= 0)
        return {text};
    const QFontMetrics fm(font);
    QStringList lines;
    QTextLayout layout(text, font);
    QTextOption option;
    option.setWrapMode(QTextOption::WrapAtWordBoundaryOrAnywhere);
    layout.setTextOption(option);
    layout.beginLayout();
    for (QTextLine line = layout.createLine(); line.isValid(); line = layout.createLine()) {
        line.setLineWidth(width);
        const int end = line.textStart() + line.textLength();
        if (int(lines.size()) + 1 == maxLines && end < int(text.size())) {
            lines << fm.elidedText(text.mid(line.textStart()), Qt::ElideMiddle, width);
            break;
        }
        lines << text.mid(line.textStart(), line.textLength());
    }
    layout.endLayout();
    return lines;
}

// Draws the tree's texts wrapped to their column (labels on up to two lines, values on up to
// four), and makes each row as tall as its lines.
class WrappingDelegate : public QStyledItemDelegate {
public:
    explicit WrappingDelegate(QTreeView* view) : QStyledItemDelegate(view), m_view(view) {}

    QStringList lines(const QModelIndex& index, const QFont& font) const {
        return wrapText(index.data(Qt::DisplayRole).toString(), font, textWidth(index),
                        index.column() == 0 ? 2 : 4);
    }

    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QSize single = QStyledItemDelegate::sizeHint(option, index);
        const QFontMetrics fm(opt.font);
        const int n = static_cast<int>(lines(index, opt.font).size());
        // Room for the text, not its whole width: the panel wraps instead of growing.
        return {fm.averageCharWidth() * 4,
                std::max(single.height(), n * fm.lineSpacing() + single.height() - fm.height())};
    }

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override {
        QStyleOptionViewItem opt = option;
        initStyleOption(&opt, index);
        const QStringList shown = lines(index, opt.font);
        opt.text.clear(); // background, selection and focus as the style draws them
        const QWidget* widget = opt.widget;
        QStyle* style = widget ? widget->style() : QApplication::style();
        style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);
        const QPalette::ColorGroup group = !(opt.state & QStyle::State_Enabled) ? QPalette::Disabled
                                           : (opt.state & QStyle::State_Active)
                                               ? QPalette::Normal
                                               : QPalette::Inactive;
        const QFontMetrics fm(opt.font);
        const int margin = textMargin();
        const QRect r = opt.rect.adjusted(margin, 0, -margin, 0);
        int y = r.top() + (r.height() - int(shown.size()) * fm.lineSpacing()) / 2;
        painter->save();
        painter->setFont(opt.font);
        painter->setPen(opt.palette.color(group, opt.state & QStyle::State_Selected
                                                     ? QPalette::HighlightedText
                                                     : QPalette::Text));
        for (const QString& line : shown) {
            painter->drawText(QRect(r.left(), y, r.width(), fm.lineSpacing()),
                              int(QStyle::visualAlignment(opt.direction, Qt::AlignLeft)) |
                                  Qt::AlignVCenter | Qt::TextSingleLine,
                              line);
            y += fm.lineSpacing();
        }
        painter->restore();
    }

private:
    // What QCommonStyle leaves either side of an item's text.
    int textMargin() const {
        return m_view->style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_view) + 1;
    }

    // The width the text has in its column: the first column loses the tree's indentation,
    // a group title spans the row.
    int textWidth(const QModelIndex& index) const {
        const QHeaderView* header = m_view->header();
        int width = header->sectionSize(index.column());
        if (m_view->isFirstColumnSpanned(index.row(), index.parent()))
            width = header->length();
        if (header->visualIndex(index.column()) == 0) {
            int depth = m_view->rootIsDecorated() ? 1 : 0;
            for (QModelIndex p = index.parent(); p.isValid(); p = p.parent())
                ++depth;
            width -= depth * m_view->indentation();
        }
        return width - 2 * textMargin();
    }

    QTreeView* m_view;
};

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
    // Values wrap within the panel (WrappingDelegate) and carry their full text in a tooltip;
    // labels likewise. Nothing scrolls sideways.
    m_tree->header()->setSectionResizeMode(0, QHeaderView::Interactive);
    m_tree->header()->setStretchLastSection(true);
    m_tree->header()->resizeSection(0, 150);
    m_tree->setIndentation(12);
    m_tree->setItemDelegate(new WrappingDelegate(m_tree));
    m_tree->setWordWrap(true);
    m_tree->setUniformRowHeights(false);
    m_tree->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // Rows are as tall as their wrapped text at the columns' widths: laid out again (once per
    // event-loop pass) when a column changes width.
    m_relayout = new QTimer(this);
    m_relayout->setSingleShot(true);
    m_relayout->setInterval(0);
    connect(m_relayout, &QTimer::timeout, m_tree, &QTreeView::doItemsLayout);
    connect(m_tree->header(), &QHeaderView::sectionResized, m_relayout,
            qOverload<>(&QTimer::start));
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
        top->setFirstColumnSpanned(true);
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
    other->setFirstColumnSpanned(true);
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        if (!shown.contains(QString::fromStdString(it.key())))
            addValue(other, prettyKey(it.key()), it.value());
    if (other->childCount() == 0)
        delete other;
    else
        other->setExpanded(true);
    m_copy->setEnabled(true);
    m_copyJson->setEnabled(true);
    fitLabelColumn();
}

void MetadataPanel::resizeEvent(QResizeEvent* event) {
    QWidget::resizeEvent(event);
    fitLabelColumn();
}

// The label column as wide as the longest label (with its indentation), but never more than
// half the panel: the values keep the larger part, and longer labels wrap.
void MetadataPanel::fitLabelColumn() {
    const int indent = m_tree->indentation();
    const int margin =
        2 * (style()->pixelMetric(QStyle::PM_FocusFrameHMargin, nullptr, m_tree) + 1);
    int needed = 0;
    for (QTreeWidgetItemIterator it(m_tree); *it; ++it) {
        const QTreeWidgetItem* item = *it;
        if (item->isFirstColumnSpanned())
            continue;
        int depth = 1; // the root is decorated
        for (const QTreeWidgetItem* p = item->parent(); p; p = p->parent())
            ++depth;
        needed = std::max(needed, depth * indent + margin +
                                      QFontMetrics(item->font(0)).horizontalAdvance(item->text(0)));
    }
    const int half = m_tree->viewport()->width() / 2;
    if (needed > 0 && half > 0)
        m_tree->header()->resizeSection(0, std::min(needed + 1, half));
}

QStringList MetadataPanel::shownLines(const QModelIndex& index) const {
    const auto* delegate = static_cast<const WrappingDelegate*>(m_tree->itemDelegate());
    const QFont font = index.data(Qt::FontRole).isValid() ? index.data(Qt::FontRole).value<QFont>()
                                                          : m_tree->font();
    return delegate->lines(index, font);
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
