// Export options: folder, naming, format, normalisation, trim, fades, selection, step slicing.
#pragma once

#include "export/take_exporter.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace footfall::ui {

class ExportDialog : public QDialog {
    Q_OBJECT
public:
    explicit ExportDialog(QWidget* parent = nullptr);

    // `selection` enables "selection only"; the take name is shown in the title line.
    void setContext(const QString& takeName,
                    std::optional<std::pair<std::size_t, std::size_t>> selection, int sampleRate);
    ExportOptions options() const;
    void setOptions(const ExportOptions& options);

    // The folder shown unless the user picked another one before: the output folder's exports/.
    // Call before loadSettings().
    void setDefaultFolder(const QString& folder);
    QString defaultFolder() const { return m_defaultFolder; }

    void loadSettings();
    // Remembers the folder only when it differs from the default, so a later change of the
    // output folder moves the default export folder with it.
    void saveSettings() const;

private:
    void updateEnabled();

    QLabel* m_what = nullptr;
    QLineEdit* m_folder = nullptr;
    QRadioButton* m_timestamp = nullptr;
    QRadioButton* m_ucs = nullptr;
    QLineEdit* m_template = nullptr;
    QLineEdit* m_creator = nullptr;
    QLineEdit* m_source = nullptr;
    QComboBox* m_format = nullptr;
    QComboBox* m_normalise = nullptr;
    QDoubleSpinBox* m_peakTarget = nullptr;
    QDoubleSpinBox* m_lufsTarget = nullptr;
    QCheckBox* m_trim = nullptr;
    QDoubleSpinBox* m_trimThreshold = nullptr;
    QDoubleSpinBox* m_fadeIn = nullptr;
    QDoubleSpinBox* m_fadeOut = nullptr;
    QCheckBox* m_selectionOnly = nullptr;
    QCheckBox* m_slice = nullptr;
    std::optional<std::pair<std::size_t, std::size_t>> m_selection;
    QString m_defaultFolder;
};

} // namespace footfall::ui
