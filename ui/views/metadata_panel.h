// Everything in a take's metadata, grouped (summary, performance, audio properties, statistics,
// loudness, phase analysis, settings, other), with copy to clipboard. Long values wrap inside
// the panel's width (a prompt at word boundaries, a path anywhere) on up to four lines, the
// last elided in the middle when the text goes on; every value's full text is its tooltip.
// The label column is as wide as its longest label, up to half the panel; longer labels wrap.
#pragma once

#include <nlohmann/json.hpp>

#include <QWidget>

class QModelIndex;
class QPushButton;
class QTimer;
class QTreeWidget;

namespace footfall::ui {

class MetadataPanel : public QWidget {
    Q_OBJECT
public:
    explicit MetadataPanel(QWidget* parent = nullptr);

    void setMetadata(const nlohmann::json& metadata, const QString& audioPath);
    void clear();
    QTreeWidget* tree() const { return m_tree; }
    // Text of one field as shown ("" when absent), e.g. value("Summary", "Seed").
    QString value(const QString& group, const QString& label) const;
    // Plain text of all groups, as copied to the clipboard.
    QString toPlainText() const;
    // The lines an item's column is drawn in at the panel's current width.
    QStringList shownLines(const QModelIndex& index) const;

public Q_SLOTS:
    void copyAll();  // the readable text
    void copyJson(); // the raw JSON dictionary

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    void fitLabelColumn();

    QTreeWidget* m_tree = nullptr;
    QPushButton* m_copy = nullptr;
    QPushButton* m_copyJson = nullptr;
    QTimer* m_relayout = nullptr; // row heights follow the columns' widths
    nlohmann::json m_metadata;
};

} // namespace footfall::ui
