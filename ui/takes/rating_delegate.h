// The take list's rating cell: five stars, filled (★) up to the rating and hollow (☆) after it;
// a click on a star sets the rating, a click on the star already set clears it.
#pragma once

#include <QStyledItemDelegate>

namespace footfall::ui {

class RatingDelegate : public QStyledItemDelegate {
    Q_OBJECT
public:
    static constexpr int kStars = 5;
    static constexpr int kPadding = 4; // left and right of the stars

    explicit RatingDelegate(QObject* parent = nullptr);

    // Width of one star cell (the wider of ★ and ☆) and of the whole column.
    static int starWidth(const QFontMetrics& fm);
    static int columnWidth(const QFontMetrics& fm);
    // Star `i` (0 … 4) inside a cell.
    static QRect starRect(const QRect& cell, int i, const QFontMetrics& fm);
    // The star (1 … 5) under `pos`, 0 when none.
    static int starAt(const QRect& cell, const QPoint& pos, const QFontMetrics& fm);

    void paint(QPainter* painter, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override;
    QSize sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const override;
    bool editorEvent(QEvent* event, QAbstractItemModel* model, const QStyleOptionViewItem& option,
                     const QModelIndex& index) override;
};

} // namespace footfall::ui
