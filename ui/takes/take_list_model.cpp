#include "takes/take_list_model.h"

#include "export/take_drag.h"

#include <QBrush>
#include <QColor>
#include <QFileInfo>
#include <QFont>
#include <QMimeData>
#include <QSet>

#include <algorithm>

namespace footfall::ui {

TakeListModel::TakeListModel(QObject* parent) : QAbstractTableModel(parent) {}

int TakeListModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_takes.size());
}

int TakeListModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

static QString signedValue(double v) {
    return (v >= 0 ? QStringLiteral("+") : QString()) + QString::number(v, 'f', 2);
}

QVariant TakeListModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= m_takes.size())
        return {};
    const TakeRecord& t = m_takes.at(index.row());
    if (role == TakeRole)
        return QVariant::fromValue(t);
    if (role == RatingRole)
        return t.rating;
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Verdict:
            if (t.isUnsaved())
                return QStringLiteral("⚠");
            return t.rejected ? QStringLiteral("✕") : t.favourite ? QStringLiteral("♥") : QString();
        case Rating:
            // Filled up to the rating, hollow after it (RatingDelegate draws the same).
            return QString(t.rating, QChar(0x2605)) + QString(5 - t.rating, QChar(0x2606));
        case Prompt:
            return t.prompt();
        case Seed:
            return QString::number(t.seed());
        case Engine: // short: the list is narrow at 1280 px; the metadata panel has the rest
            if (t.engine() == QLatin1String("procedural"))
                return tr("proc");
            if (t.engine() == QLatin1String("sao"))
                return QStringLiteral("SAO");
            return t.engine();
        case Lora:
            return t.loraSummary();
        case Duration:
            return QStringLiteral("%1 s").arg(t.durationSeconds(), 0, 'f', 2);
        case Loudness:
            if (auto l = t.loudnessLufs())
                return QString::number(*l, 'f', 1);
            return QStringLiteral("—");
        case Correlation:
            if (auto c = t.correlation())
                return signedValue(*c);
            return QStringLiteral("—");
        default:
            return {};
        }
    }
    if (role == Qt::AccessibleTextRole && index.column() == Rating)
        return t.rating > 0 ? tr("%1 of 5 stars").arg(t.rating) : tr("Not rated");
    if (role == Qt::ToolTipRole && index.column() == Rating)
        return tr("Click a star to rate, the same star again to clear (keys 0–5)");
    if (role == Qt::ToolTipRole && t.isUnsaved())
        return tr("Not saved: %1\nTake ▸ Retry save writes it once there is room.")
            .arg(t.saveError);
    if (role == Qt::ToolTipRole) {
        QString tip = QStringLiteral("%1\n%2\n%3").arg(t.prompt(), t.audioPath, t.engine());
        if (const QString init = t.initAudio(); !init.isEmpty())
            tip += QLatin1Char('\n') + tr("Varied from %1 (noise level %2)")
                                           .arg(QFileInfo(init).fileName())
                                           .arg(t.initNoiseLevel().value_or(1.0));
        return t.isDraft() ? tip + QLatin1Char('\n') +
                                 tr("Draft: Take ▸ Render final renders it at full quality")
                           : tip;
    }
    // Drafts in italics: quick takes to choose from, not yet the final sound.
    if (role == Qt::FontRole && index.column() == Prompt && t.isDraft()) {
        QFont font;
        font.setItalic(true);
        return font;
    }
    if (role == Qt::ForegroundRole) {
        if (t.isUnsaved())
            return QBrush(QColor(235, 80, 70));
        if (t.rejected)
            return QBrush(QColor(110, 110, 110));
        if (index.column() == Correlation)
            if (auto c = t.correlation(); c && *c < 0)
                return QBrush(QColor(235, 80, 70));
        if (index.column() == Verdict && t.favourite)
            return QBrush(QColor(240, 90, 120));
        if (index.column() == Rating)
            return QBrush(QColor(240, 190, 60));
    }
    if (role == Qt::TextAlignmentRole && index.column() >= Seed && index.column() != Lora &&
        index.column() != Engine)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant TakeListModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole) {
        switch (section) {
        case Rating:
            return tr("Rating, 0–5 stars (keys 0–5)");
        case Engine:
            return tr("Engine: proc = procedural, SAO = Stable Audio Open");
        case Loudness:
            return tr("Loudness in LUFS: integrated, else over the whole take, else max momentary");
        case Correlation:
            return tr("Phase correlation of the whole take (−1 … +1)");
        default:
            return {};
        }
    }
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Verdict:
        return QStringLiteral(" ");
    case Rating:
        return QStringLiteral("★"); // the column is five stars wide; the tooltip names it
    case Prompt:
        return tr("Prompt");
    case Seed:
        return tr("Seed");
    case Engine:
        return tr("Engine");
    case Lora:
        return tr("LoRA");
    case Duration:
        return tr("Length");
    case Loudness:
        return tr("LUFS");
    case Correlation:
        return tr("Corr.");
    default:
        return {};
    }
}

Qt::ItemFlags TakeListModel::flags(const QModelIndex& index) const {
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled;
}

bool TakeListModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (!index.isValid() || index.column() != Rating || role != Qt::EditRole ||
        index.row() >= m_takes.size())
        return false;
    bool ok = false;
    const int rating = value.toInt(&ok);
    if (!ok)
        return false;
    setRating(index.row(), rating);
    return true;
}

QStringList TakeListModel::mimeTypes() const {
    return {QStringLiteral("text/uri-list"), QStringLiteral("text/plain")};
}

QMimeData* TakeListModel::mimeData(const QModelIndexList& indexes) const {
    QStringList paths;
    QSet<int> rows;
    for (const QModelIndex& i : indexes)
        if (i.isValid() && !rows.contains(i.row())) {
            rows.insert(i.row());
            paths << m_takes.at(i.row()).audioPath;
        }
    return paths.isEmpty() ? nullptr : makeTakeMimeData(paths);
}

Qt::DropActions TakeListModel::supportedDragActions() const {
    return Qt::CopyAction;
}

int TakeListModel::rowOfPath(const QString& audioPath) const {
    for (int i = 0; i < m_takes.size(); ++i)
        if (m_takes[i].audioPath == audioPath)
            return i;
    return -1;
}

void TakeListModel::setTakes(QVector<TakeRecord> takes) {
    beginResetModel();
    m_takes = std::move(takes);
    endResetModel();
}

void TakeListModel::addTake(const TakeRecord& take) {
    beginInsertRows({}, 0, 0);
    m_takes.prepend(take);
    endInsertRows();
    Q_EMIT changedByUser();
}

void TakeListModel::addTakes(QVector<TakeRecord>&& takes) {
    if (takes.isEmpty())
        return;
    beginInsertRows({}, 0, static_cast<int>(takes.size()) - 1);
    // A QList grows at its front without moving what is there.
    for (auto it = takes.rbegin(); it != takes.rend(); ++it)
        m_takes.prepend(std::move(*it));
    takes.clear();
    endInsertRows();
    Q_EMIT changedByUser();
}

QStringList TakeListModel::audioPaths() const {
    QStringList paths;
    paths.reserve(m_takes.size());
    for (const TakeRecord& t : m_takes)
        paths << t.audioPath;
    return paths;
}

void TakeListModel::removeTakeAt(int row) {
    if (row < 0 || row >= m_takes.size())
        return;
    beginRemoveRows({}, row, row);
    m_takes.removeAt(row);
    endRemoveRows();
    Q_EMIT changedByUser();
}

void TakeListModel::setTake(int row, const TakeRecord& take) {
    if (row < 0 || row >= m_takes.size())
        return;
    m_takes[row] = take;
    Q_EMIT dataChanged(index(row, 0), index(row, columnCount() - 1));
    Q_EMIT changedByUser();
}

void TakeListModel::setRating(int row, int rating) {
    if (row < 0 || row >= m_takes.size())
        return;
    m_takes[row].rating = std::clamp(rating, 0, 5);
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    Q_EMIT changedByUser();
}

void TakeListModel::toggleFavourite(int row) {
    if (row < 0 || row >= m_takes.size())
        return;
    m_takes[row].favourite = !m_takes[row].favourite;
    if (m_takes[row].favourite)
        m_takes[row].rejected = false;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    Q_EMIT changedByUser();
}

void TakeListModel::toggleRejected(int row) {
    if (row < 0 || row >= m_takes.size())
        return;
    m_takes[row].rejected = !m_takes[row].rejected;
    if (m_takes[row].rejected)
        m_takes[row].favourite = false;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
    Q_EMIT changedByUser();
}

} // namespace footfall::ui
