// Everything in a take's metadata, grouped (summary, performance, audio properties, statistics,
// loudness, phase analysis, settings, other), with copy to clipboard.
#pragma once

#include <nlohmann/json.hpp>

#include <QWidget>

class QTreeWidget;
class QPushButton;

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

public Q_SLOTS:
    void copyAll();  // the readable text
    void copyJson(); // the raw JSON dictionary

private:
    QTreeWidget* m_tree = nullptr;
    QPushButton* m_copy = nullptr;
    QPushButton* m_copyJson = nullptr;
    nlohmann::json m_metadata;
};

} // namespace footfall::ui
