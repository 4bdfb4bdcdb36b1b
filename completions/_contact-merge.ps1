
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'contact-merge' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'contact-merge'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'contact-merge' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables [default: auto]')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show contacts as a table (property | value), sections summarised')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate exports: ids, emails, dates, lifecycle stages, numbers. Reports every problem; exit 1 when any is found')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Preview a merge: property | primary | secondary | merged | rule, and what happens to every section. Never writes a file')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge SECONDARY into PRIMARY and write the whole export')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply a plan of merges (CSV primary_id,secondary_id or JSON [{"primary","secondary"}]), all or nothing unless --keep-going')
            [CompletionResult]::new('unmerge', 'unmerge', [CompletionResultType]::ParameterValue, 'Split an additional email off a contact into a new contact, or restore a merged-away contact from the merge journal')
            [CompletionResult]::new('dupes', 'dupes', [CompletionResultType]::ParameterValue, 'Find likely duplicate contacts and write them as a plan `apply` runs')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Pull every contact from a HubSpot portal into an export (JSON, JSON Lines, CSV or XLSX, by -o''s extension)')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Send a plan''s merges to a HubSpot portal, pair by pair, resumable')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, elvish, fish, powershell, zsh) generated from this command''s definition')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) generated from this command''s definition')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'contact-merge;show' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json) [default: table]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables [default: auto]')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--date-order', '--date-order', [CompletionResultType]::ParameterName, 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)')
            [CompletionResult]::new('--properties', '--properties', [CompletionResultType]::ParameterName, 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Also list empty properties')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'contact-merge;check' {
            [CompletionResult]::new('--lifecycle-order', '--lifecycle-order', [CompletionResultType]::ParameterName, 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json) [default: table]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables [default: auto]')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--date-order', '--date-order', [CompletionResultType]::ParameterName, 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)')
            [CompletionResult]::new('--properties', '--properties', [CompletionResultType]::ParameterName, 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Warnings (cells a spreadsheet would run as formulas) count as problems: exit 1 when any is found')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'contact-merge;diff' {
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Which value a property without a rule of its own takes: the most recent (HubSpot''s documented rule) or the primary''s (HubSpot''s newer merge)')
            [CompletionResult]::new('--lifecycle-order', '--lifecycle-order', [CompletionResultType]::ParameterName, 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them')
            [CompletionResult]::new('--max-merges', '--max-merges', [CompletionResultType]::ParameterName, 'Refuse merges whose contacts together already took part in this many merges (HubSpot''s limit)')
            [CompletionResult]::new('--merge-time', '--merge-time', [CompletionResultType]::ParameterName, 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json) [default: table]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables [default: auto]')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--date-order', '--date-order', [CompletionResultType]::ParameterName, 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)')
            [CompletionResult]::new('--properties', '--properties', [CompletionResultType]::ParameterName, 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Show every property, not only those that differ')
            [CompletionResult]::new('--enroll-on-merge', '--enroll-on-merge', [CompletionResultType]::ParameterName, 'Mark the primary''s workflows as seeing the merged contact as newly changed (HubSpot''s "enroll on merge" setting)')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'contact-merge;merge' {
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'Append the merge to this journal (JSON Lines), for audits and `unmerge --restore`')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Which value a property without a rule of its own takes: the most recent (HubSpot''s documented rule) or the primary''s (HubSpot''s newer merge)')
            [CompletionResult]::new('--lifecycle-order', '--lifecycle-order', [CompletionResultType]::ParameterName, 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them')
            [CompletionResult]::new('--max-merges', '--max-merges', [CompletionResultType]::ParameterName, 'Refuse merges whose contacts together already took part in this many merges (HubSpot''s limit)')
            [CompletionResult]::new('--merge-time', '--merge-time', [CompletionResultType]::ParameterName, 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept')
            [CompletionResult]::new('--output-format', '--output-format', [CompletionResultType]::ParameterName, 'Format of the output file (default: from -o''s extension, else the input''s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json) [default: table]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables [default: auto]')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--date-order', '--date-order', [CompletionResultType]::ParameterName, 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)')
            [CompletionResult]::new('--properties', '--properties', [CompletionResultType]::ParameterName, 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read')
            [CompletionResult]::new('--enroll-on-merge', '--enroll-on-merge', [CompletionResultType]::ParameterName, 'Mark the primary''s workflows as seeing the merged contact as newly changed (HubSpot''s "enroll on merge" setting)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace the input file (atomically)')
            [CompletionResult]::new('--sanitize-formulas', '--sanitize-formulas', [CompletionResultType]::ParameterName, 'In CSV output, put a `''` before every cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR; plain numbers and phone numbers such as -5 or +1 555 0100 are left as they are). Without it, cells are written exactly as read')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'contact-merge;apply' {
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'The plan: CSV with primary_id,secondary_id (other columns ignored) or JSON [{"primary": "...", "secondary": "..."}]')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'Append the merges to this journal (JSON Lines, one line per merge), for audits and `unmerge --restore`')
            [CompletionResult]::new('--policy', '--policy', [CompletionResultType]::ParameterName, 'Which value a property without a rule of its own takes: the most recent (HubSpot''s documented rule) or the primary''s (HubSpot''s newer merge)')
            [CompletionResult]::new('--lifecycle-order', '--lifecycle-order', [CompletionResultType]::ParameterName, 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them')
            [CompletionResult]::new('--max-merges', '--max-merges', [CompletionResultType]::ParameterName, 'Refuse merges whose contacts together already took part in this many merges (HubSpot''s limit)')
            [CompletionResult]::new('--merge-time', '--merge-time', [CompletionResultType]::ParameterName, 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept')
            [CompletionResult]::new('--output-format', '--output-format', [CompletionResultType]::ParameterName, 'Format of the output file (default: from -o''s extension, else the input''s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json) [default: table]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables [default: auto]')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--date-order', '--date-order', [CompletionResultType]::ParameterName, 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)')
            [CompletionResult]::new('--properties', '--properties', [CompletionResultType]::ParameterName, 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read')
            [CompletionResult]::new('--keep-going', '--keep-going', [CompletionResultType]::ParameterName, 'Apply the good pairs, report the bad ones, exit 3 when any was skipped (default: any bad pair means nothing is written, exit 1)')
            [CompletionResult]::new('--enroll-on-merge', '--enroll-on-merge', [CompletionResultType]::ParameterName, 'Mark the primary''s workflows as seeing the merged contact as newly changed (HubSpot''s "enroll on merge" setting)')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace the input file (atomically)')
            [CompletionResult]::new('--sanitize-formulas', '--sanitize-formulas', [CompletionResultType]::ParameterName, 'In CSV output, put a `''` before every cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR; plain numbers and phone numbers such as -5 or +1 555 0100 are left as they are). Without it, cells are written exactly as read')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'contact-merge;unmerge' {
            [CompletionResult]::new('--new-id', '--new-id', [CompletionResultType]::ParameterName, 'Record id of the new contact (default: the next free numeric id)')
            [CompletionResult]::new('--restore', '--restore', [CompletionResultType]::ParameterName, 'Bring back this merged-away contact exactly as the journal holds it')
            [CompletionResult]::new('--journal', '--journal', [CompletionResultType]::ParameterName, 'The merge journal (JSON Lines) written by `merge`/`apply --journal`; give it once per journal when the merges are recorded in several')
            [CompletionResult]::new('--merge-time', '--merge-time', [CompletionResultType]::ParameterName, 'The time of the history entry a split adds to the emails left (RFC 3339) [default: now]; give it for the same bytes on every run')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept')
            [CompletionResult]::new('--output-format', '--output-format', [CompletionResultType]::ParameterName, 'Format of the output file (default: from -o''s extension, else the input''s)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json) [default: table]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables [default: auto]')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--date-order', '--date-order', [CompletionResultType]::ParameterName, 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)')
            [CompletionResult]::new('--properties', '--properties', [CompletionResultType]::ParameterName, 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read')
            [CompletionResult]::new('--in-place', '--in-place', [CompletionResultType]::ParameterName, 'Replace the input file (atomically)')
            [CompletionResult]::new('--sanitize-formulas', '--sanitize-formulas', [CompletionResultType]::ParameterName, 'In CSV output, put a `''` before every cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR; plain numbers and phone numbers such as -5 or +1 555 0100 are left as they are). Without it, cells are written exactly as read')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'contact-merge;dupes' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Write the plan here: CSV (primary_id,secondary_id,score,reasons), or JSON when the name ends in .json; `-` writes the CSV plan to stdout')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Write the plan here: CSV (primary_id,secondary_id,score,reasons), or JSON when the name ends in .json; `-` writes the CSV plan to stdout')
            [CompletionResult]::new('--threshold', '--threshold', [CompletionResultType]::ParameterName, 'Minimum score (0 to 1) of a duplicate pair; higher finds fewer, surer pairs')
            [CompletionResult]::new('--fields', '--fields', [CompletionResultType]::ParameterName, 'Properties to compare, by internal name or CSV label [default: every column whose header and content say it names, reaches or places a person: emails, phones, names, addresses, dates of birth, id numbers, company, job title]')
            [CompletionResult]::new('--explain', '--explain', [CompletionResultType]::ParameterName, 'Show why two contacts score what they do: each field''s part in the match probability (a waterfall), instead of the plan')
            [CompletionResult]::new('--primary', '--primary', [CompletionResultType]::ParameterName, 'Which contact of a cluster is the primary (it keeps its id)')
            [CompletionResult]::new('--max-block', '--max-block', [CompletionResultType]::ParameterName, 'Skip blocks of more contacts than this sharing one key (an email, a phone, a name and place), which say little and cost much')
            [CompletionResult]::new('--max-merges', '--max-merges', [CompletionResultType]::ParameterName, 'HubSpot''s merge limit, as `apply --max-merges` takes it: a cluster whose merges would reach this many (counting the merges its contacts took part in before, hs_merged_object_ids) keeps the surest members that fit and leaves the others out, with a warning')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json) [default: table]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables [default: auto]')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--date-order', '--date-order', [CompletionResultType]::ParameterName, 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)')
            [CompletionResult]::new('--properties', '--properties', [CompletionResultType]::ParameterName, 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'contact-merge;pull' {
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'The export to write (a file: the pull resumes from files beside it); its extension names the format: .json, .ndjson/.jsonl, .csv, .xlsx')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'The export to write (a file: the pull resumes from files beside it); its extension names the format: .json, .ndjson/.jsonl, .csv, .xlsx')
            [CompletionResult]::new('--properties', '--properties', [CompletionResultType]::ParameterName, 'Properties to pull: all (the portal''s whole list) or names separated by commas [default: HubSpot''s default set]')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'The API''s address (for tests and proxies)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests in a window (100/10s is HubSpot''s lowest tier; also N/1s, N/500ms)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json) [default: table]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables [default: auto]')
            [CompletionResult]::new('--with-history', '--with-history', [CompletionResultType]::ParameterName, 'Also pull each property''s history (propertiesWithHistory; pages of 50, HubSpot''s limit with history)')
            [CompletionResult]::new('--associations', '--associations', [CompletionResultType]::ParameterName, 'Also pull the associated companies, deals and tickets')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'contact-merge;push' {
            [CompletionResult]::new('--plan', '--plan', [CompletionResultType]::ParameterName, 'The plan: CSV primary_id,secondary_id or JSON [{"primary","secondary"}]')
            [CompletionResult]::new('--log', '--log', [CompletionResultType]::ParameterName, 'The push log (JSON Lines): every call''s outcome, appended; a second run with the same log resumes')
            [CompletionResult]::new('--max-merges', '--max-merges', [CompletionResultType]::ParameterName, 'Refuse merges whose contacts together already took part in this many merges (HubSpot''s limit: leave it unless HubSpot raised yours)')
            [CompletionResult]::new('--lifecycle-order', '--lifecycle-order', [CompletionResultType]::ParameterName, 'Custom lifecycle stage order, lowest first, or @FILE (as for `apply`: the plan is checked the way `apply` checks it)')
            [CompletionResult]::new('--api-base', '--api-base', [CompletionResultType]::ParameterName, 'The API''s address (for tests and proxies)')
            [CompletionResult]::new('--rate', '--rate', [CompletionResultType]::ParameterName, 'At most N requests in a window (100/10s is HubSpot''s lowest tier; also N/1s, N/500ms)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output for people (table) or scripts (json) [default: table]')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour tables [default: auto]')
            [CompletionResult]::new('--input-format', '--input-format', [CompletionResultType]::ParameterName, 'Format of the input file (default: from its extension)')
            [CompletionResult]::new('--date-order', '--date-order', [CompletionResultType]::ParameterName, 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)')
            [CompletionResult]::new('--properties', '--properties', [CompletionResultType]::ParameterName, 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels')
            [CompletionResult]::new('--delimiter', '--delimiter', [CompletionResultType]::ParameterName, 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Check the plan and show what would be sent: each pair with the ids it would be sent with (after the merges before it), or that the log has it done; send nothing, write no log')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'No progress, summaries or warnings on stderr (errors still show)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'contact-merge;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'contact-merge;man' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'contact-merge;help' {
            [CompletionResult]::new('show', 'show', [CompletionResultType]::ParameterValue, 'Show contacts as a table (property | value), sections summarised')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Validate exports: ids, emails, dates, lifecycle stages, numbers. Reports every problem; exit 1 when any is found')
            [CompletionResult]::new('diff', 'diff', [CompletionResultType]::ParameterValue, 'Preview a merge: property | primary | secondary | merged | rule, and what happens to every section. Never writes a file')
            [CompletionResult]::new('merge', 'merge', [CompletionResultType]::ParameterValue, 'Merge SECONDARY into PRIMARY and write the whole export')
            [CompletionResult]::new('apply', 'apply', [CompletionResultType]::ParameterValue, 'Apply a plan of merges (CSV primary_id,secondary_id or JSON [{"primary","secondary"}]), all or nothing unless --keep-going')
            [CompletionResult]::new('unmerge', 'unmerge', [CompletionResultType]::ParameterValue, 'Split an additional email off a contact into a new contact, or restore a merged-away contact from the merge journal')
            [CompletionResult]::new('dupes', 'dupes', [CompletionResultType]::ParameterValue, 'Find likely duplicate contacts and write them as a plan `apply` runs')
            [CompletionResult]::new('pull', 'pull', [CompletionResultType]::ParameterValue, 'Pull every contact from a HubSpot portal into an export (JSON, JSON Lines, CSV or XLSX, by -o''s extension)')
            [CompletionResult]::new('push', 'push', [CompletionResultType]::ParameterValue, 'Send a plan''s merges to a HubSpot portal, pair by pair, resumable')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions (bash, elvish, fish, powershell, zsh) generated from this command''s definition')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff) generated from this command''s definition')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'contact-merge;help;show' {
            break
        }
        'contact-merge;help;check' {
            break
        }
        'contact-merge;help;diff' {
            break
        }
        'contact-merge;help;merge' {
            break
        }
        'contact-merge;help;apply' {
            break
        }
        'contact-merge;help;unmerge' {
            break
        }
        'contact-merge;help;dupes' {
            break
        }
        'contact-merge;help;pull' {
            break
        }
        'contact-merge;help;push' {
            break
        }
        'contact-merge;help;completions' {
            break
        }
        'contact-merge;help;man' {
            break
        }
        'contact-merge;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
