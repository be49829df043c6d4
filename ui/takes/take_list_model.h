// The take list as a table: prompt, seed, engine, LoRA, duration, loudness, correlation and
// the user's verdict. Rows drag out as files (see take_drag.h).
#pragma once

#include "takes/take_record.h"

#include <QAbstractTableModel>
#include <QVector>

namespace footfall::ui {

class TakeListModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column {
        Verdict,
        Rating,
        Prompt,
        Seed,
        Engine,
        Lora,
        Duration,
        Loudness,
        Correlation,
        ColumnCount
    };
    static constexpr int TakeRole = Qt::UserRole + 1;   // full TakeRecord as QVariant
    static constexpr int RatingRole = Qt::UserRole + 2; // int 0 … 5

    explicit TakeListModel(QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    // The rating column takes an int 0 … 5 (what RatingDelegate's clicks set).
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    QStringList mimeTypes() const override;
    QMimeData* mimeData(const QModelIndexList& indexes) const override;
    Qt::DropActions supportedDragActions() const override;

    const QVector<TakeRecord>& takes() const { return m_takes; }
    const TakeRecord& take(int row) const { return m_takes.at(row); }
    int rowOfPath(const QString& audioPath) const;
    void setTakes(QVector<TakeRecord> takes);
    void addTake(const TakeRecord& take); // newest first
    // Several at the top in one insertion, in the order given (one changedByUser); moved in,
    // so that thousands of takes are not copied.
    void addTakes(QVector<TakeRecord>&& takes);
    QStringList audioPaths() const;
    void removeTakeAt(int row);
    // Replaces the take in `row` (an unsaved take once saved: its path may have changed).
    void setTake(int row, const TakeRecord& take);
    void setRating(int row, int rating);
    void toggleFavourite(int row);
    void toggleRejected(int row);

Q_SIGNALS:
    void changedByUser(); // the list should be persisted

private:
    QVector<TakeRecord> m_takes;
};

} // namespace footfall::ui
