#include "takes/rating_delegate.h"

#include "takes/take_list_model.h"

#include <QApplication>
#include <QMouseEvent>
#include <QPainter>

namespace footfall::ui {

namespace {
const QChar kFilled(0x2605); // ★
const QChar kHollow(0x2606); // ☆
} // namespace

RatingDelegate::RatingDelegate(QObject* parent) : QStyledItemDelegate(parent) {}

int RatingDelegate::starWidth(const QFontMetrics& fm) {
    return std::max(fm.horizontalAdvance(kFilled), fm.horizontalAdvance(kHollow));
}

int RatingDelegate::columnWidth(const QFontMetrics& fm) {
    return kStars * starWidth(fm) + 2 * kPadding;
}

QRect RatingDelegate::starRect(const QRect& cell, int i, const QFontMetrics& fm) {
    const int w = starWidth(fm);
    return QRect(cell.left() + kPadding + i * w, cell.top(), w, cell.height());
}

int RatingDelegate::starAt(const QRect& cell, const QPoint& pos, const QFontMetrics& fm) {
    if (!cell.contains(pos))
        return 0;
    for (int i = 0; i < kStars; ++i)
        if (starRect(cell, i, fm).contains(pos))
            return i + 1;
    return 0;
}

void RatingDelegate::paint(QPainter* painter, const QStyleOptionViewItem& option,
                           const QModelIndex& index) const {
    QStyleOptionViewItem opt(option);
    initStyleOption(&opt, index);
    opt.text.clear(); // the background, selection and focus as any cell; the stars drawn below
    const QWidget* widget = opt.widget;
    QStyle* style = widget ? widget->style() : QApplication::style();
    style->drawControl(QStyle::CE_ItemViewItem, &opt, painter, widget);

    const int rating = index.data(TakeListModel::RatingRole).toInt();
    const QVariant fg = index.data(Qt::ForegroundRole);
    const QColor filled =
        fg.canConvert<QBrush>() ? fg.value<QBrush>().color() : opt.palette.color(QPalette::Text);
    QColor hollow = opt.palette.color(QPalette::Text);
    hollow.setAlphaF(0.45);
    const QFontMetrics fm(opt.font);
    painter->save();
    painter->setFont(opt.font);
    for (int i = 0; i < kStars; ++i) {
        painter->setPen(i < rating ? filled : hollow);
        painter->drawText(starRect(opt.rect, i, fm), Qt::AlignCenter,
                          QString(i < rating ? kFilled : kHollow));
    }
    painter->restore();
}

QSize RatingDelegate::sizeHint(const QStyleOptionViewItem& option, const QModelIndex& index) const {
    const QSize base = QStyledItemDelegate::sizeHint(option, index);
    return QSize(columnWidth(option.fontMetrics), base.height());
}

bool RatingDelegate::editorEvent(QEvent* event, QAbstractItemModel* model,
                                 const QStyleOptionViewItem& option, const QModelIndex& index) {
    if (event->type() != QEvent::MouseButtonRelease || !model || !index.isValid())
        return QStyledItemDelegate::editorEvent(event, model, option, index);
    const auto* mouse = static_cast<QMouseEvent*>(event);
    if (mouse->button() != Qt::LeftButton)
        return false;
    const int star = starAt(option.rect, mouse->position().toPoint(), option.fontMetrics);
    if (star == 0)
        return false;
    const int current = index.data(TakeListModel::RatingRole).toInt();
    return model->setData(index, star == current ? 0 : star, Qt::EditRole);
}

} // namespace footfall::ui
