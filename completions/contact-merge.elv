
use builtin;
use str;

set edit:completion:arg-completer[contact-merge] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'contact-merge'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'contact-merge'= {
            cand --color 'When to colour tables [default: auto]'
            cand -q 'No progress, summaries or warnings on stderr (errors still show)'
            cand --quiet 'No progress, summaries or warnings on stderr (errors still show)'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
            cand show 'Show contacts as a table (property | value), sections summarised'
            cand check 'Validate exports: ids, emails, dates, lifecycle stages, numbers. Reports every problem; exit 1 when any is found'
            cand diff 'Preview a merge: property | primary | secondary | merged | rule, and what happens to every section. Never writes a file'
            cand merge 'Merge SECONDARY into PRIMARY and write the whole export'
            cand apply 'Apply a plan of merges (CSV primary_id,secondary_id or JSON [{"primary","secondary"}]), all or nothing unless --keep-going'
            cand unmerge 'Split an additional email off a contact into a new contact, or restore a merged-away contact from the merge journal'
            cand dupes 'Find likely duplicate contacts and write them as a plan `apply` runs'
            cand pull 'Pull every contact from a HubSpot portal into an export (JSON, JSON Lines, CSV or XLSX, by -o''s extension)'
            cand push 'Send a plan''s merges to a HubSpot portal, pair by pair, resumable'
            cand completions 'Print shell completions (bash, elvish, fish, powershell, zsh) generated from this command''s definition'
            cand man 'Print the man page (roff) generated from this command''s definition'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'contact-merge;show'= {
            cand --format 'Output for people (table) or scripts (json) [default: table]'
            cand --color 'When to colour tables [default: auto]'
            cand --input-format 'Format of the input file (default: from its extension)'
            cand --date-order 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)'
            cand --properties 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels'
            cand --delimiter 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read'
            cand --all 'Also list empty properties'
            cand -q 'No progress, summaries or warnings on stderr (errors still show)'
            cand --quiet 'No progress, summaries or warnings on stderr (errors still show)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'contact-merge;check'= {
            cand --lifecycle-order 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them'
            cand --format 'Output for people (table) or scripts (json) [default: table]'
            cand --color 'When to colour tables [default: auto]'
            cand --input-format 'Format of the input file (default: from its extension)'
            cand --date-order 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)'
            cand --properties 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels'
            cand --delimiter 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read'
            cand --strict 'Warnings (cells a spreadsheet would run as formulas) count as problems: exit 1 when any is found'
            cand -q 'No progress, summaries or warnings on stderr (errors still show)'
            cand --quiet 'No progress, summaries or warnings on stderr (errors still show)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'contact-merge;diff'= {
            cand --policy 'Which value a property without a rule of its own takes: the most recent (HubSpot''s documented rule) or the primary''s (HubSpot''s newer merge)'
            cand --lifecycle-order 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them'
            cand --max-merges 'Refuse merges whose contacts together already took part in this many merges (HubSpot''s limit)'
            cand --merge-time 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes'
            cand --format 'Output for people (table) or scripts (json) [default: table]'
            cand --color 'When to colour tables [default: auto]'
            cand --input-format 'Format of the input file (default: from its extension)'
            cand --date-order 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)'
            cand --properties 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels'
            cand --delimiter 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read'
            cand --all 'Show every property, not only those that differ'
            cand --enroll-on-merge 'Mark the primary''s workflows as seeing the merged contact as newly changed (HubSpot''s "enroll on merge" setting)'
            cand -q 'No progress, summaries or warnings on stderr (errors still show)'
            cand --quiet 'No progress, summaries or warnings on stderr (errors still show)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'contact-merge;merge'= {
            cand --journal 'Append the merge to this journal (JSON Lines), for audits and `unmerge --restore`'
            cand --policy 'Which value a property without a rule of its own takes: the most recent (HubSpot''s documented rule) or the primary''s (HubSpot''s newer merge)'
            cand --lifecycle-order 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them'
            cand --max-merges 'Refuse merges whose contacts together already took part in this many merges (HubSpot''s limit)'
            cand --merge-time 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes'
            cand -o 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept'
            cand --output 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept'
            cand --output-format 'Format of the output file (default: from -o''s extension, else the input''s)'
            cand --format 'Output for people (table) or scripts (json) [default: table]'
            cand --color 'When to colour tables [default: auto]'
            cand --input-format 'Format of the input file (default: from its extension)'
            cand --date-order 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)'
            cand --properties 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels'
            cand --delimiter 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read'
            cand --enroll-on-merge 'Mark the primary''s workflows as seeing the merged contact as newly changed (HubSpot''s "enroll on merge" setting)'
            cand --in-place 'Replace the input file (atomically)'
            cand --sanitize-formulas 'In CSV output, put a `''` before every cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR; plain numbers and phone numbers such as -5 or +1 555 0100 are left as they are). Without it, cells are written exactly as read'
            cand -q 'No progress, summaries or warnings on stderr (errors still show)'
            cand --quiet 'No progress, summaries or warnings on stderr (errors still show)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'contact-merge;apply'= {
            cand --plan 'The plan: CSV with primary_id,secondary_id (other columns ignored) or JSON [{"primary": "...", "secondary": "..."}]'
            cand --journal 'Append the merges to this journal (JSON Lines, one line per merge), for audits and `unmerge --restore`'
            cand --policy 'Which value a property without a rule of its own takes: the most recent (HubSpot''s documented rule) or the primary''s (HubSpot''s newer merge)'
            cand --lifecycle-order 'Custom lifecycle stage order, lowest first (labels or internal values), or @FILE listing them'
            cand --max-merges 'Refuse merges whose contacts together already took part in this many merges (HubSpot''s limit)'
            cand --merge-time 'The merge time (RFC 3339, e.g. 2024-06-01T00:00:00Z); default now. Same input, plan and merge time give the same bytes'
            cand -o 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept'
            cand --output 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept'
            cand --output-format 'Format of the output file (default: from -o''s extension, else the input''s)'
            cand --format 'Output for people (table) or scripts (json) [default: table]'
            cand --color 'When to colour tables [default: auto]'
            cand --input-format 'Format of the input file (default: from its extension)'
            cand --date-order 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)'
            cand --properties 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels'
            cand --delimiter 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read'
            cand --keep-going 'Apply the good pairs, report the bad ones, exit 3 when any was skipped (default: any bad pair means nothing is written, exit 1)'
            cand --enroll-on-merge 'Mark the primary''s workflows as seeing the merged contact as newly changed (HubSpot''s "enroll on merge" setting)'
            cand --in-place 'Replace the input file (atomically)'
            cand --sanitize-formulas 'In CSV output, put a `''` before every cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR; plain numbers and phone numbers such as -5 or +1 555 0100 are left as they are). Without it, cells are written exactly as read'
            cand -q 'No progress, summaries or warnings on stderr (errors still show)'
            cand --quiet 'No progress, summaries or warnings on stderr (errors still show)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'contact-merge;unmerge'= {
            cand --new-id 'Record id of the new contact (default: the next free numeric id)'
            cand --restore 'Bring back this merged-away contact exactly as the journal holds it'
            cand --journal 'The merge journal (JSON Lines) written by `merge`/`apply --journal`; give it once per journal when the merges are recorded in several'
            cand --merge-time 'The time of the history entry a split adds to the emails left (RFC 3339) [default: now]; give it for the same bytes on every run'
            cand -o 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept'
            cand --output 'The output file (`-` for stdout); its extension names the format, else the input''s format is kept'
            cand --output-format 'Format of the output file (default: from -o''s extension, else the input''s)'
            cand --format 'Output for people (table) or scripts (json) [default: table]'
            cand --color 'When to colour tables [default: auto]'
            cand --input-format 'Format of the input file (default: from its extension)'
            cand --date-order 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)'
            cand --properties 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels'
            cand --delimiter 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read'
            cand --in-place 'Replace the input file (atomically)'
            cand --sanitize-formulas 'In CSV output, put a `''` before every cell that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR; plain numbers and phone numbers such as -5 or +1 555 0100 are left as they are). Without it, cells are written exactly as read'
            cand -q 'No progress, summaries or warnings on stderr (errors still show)'
            cand --quiet 'No progress, summaries or warnings on stderr (errors still show)'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'contact-merge;dupes'= {
            cand -o 'Write the plan here: CSV (primary_id,secondary_id,score,reasons), or JSON when the name ends in .json; `-` writes the CSV plan to stdout'
            cand --output 'Write the plan here: CSV (primary_id,secondary_id,score,reasons), or JSON when the name ends in .json; `-` writes the CSV plan to stdout'
            cand --threshold 'Minimum score (0 to 1) of a duplicate pair; higher finds fewer, surer pairs'
            cand --fields 'Properties to compare, by internal name or CSV label [default: every column whose header and content say it names, reaches or places a person: emails, phones, names, addresses, dates of birth, id numbers, company, job title]'
            cand --explain 'Show why two contacts score what they do: each field''s part in the match probability (a waterfall), instead of the plan'
            cand --primary 'Which contact of a cluster is the primary (it keeps its id)'
            cand --max-block 'Skip blocks of more contacts than this sharing one key (an email, a phone, a name and place), which say little and cost much'
            cand --max-merges 'HubSpot''s merge limit, as `apply --max-merges` takes it: a cluster whose merges would reach this many (counting the merges its contacts took part in before, hs_merged_object_ids) keeps the surest members that fit and leaves the others out, with a warning'
            cand --format 'Output for people (table) or scripts (json) [default: table]'
            cand --color 'When to colour tables [default: auto]'
            cand --input-format 'Format of the input file (default: from its extension)'
            cand --date-order 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)'
            cand --properties 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels'
            cand --delimiter 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read'
            cand -q 'No progress, summaries or warnings on stderr (errors still show)'
            cand --quiet 'No progress, summaries or warnings on stderr (errors still show)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'contact-merge;pull'= {
            cand -o 'The export to write (a file: the pull resumes from files beside it); its extension names the format: .json, .ndjson/.jsonl, .csv, .xlsx'
            cand --output 'The export to write (a file: the pull resumes from files beside it); its extension names the format: .json, .ndjson/.jsonl, .csv, .xlsx'
            cand --properties 'Properties to pull: all (the portal''s whole list) or names separated by commas [default: HubSpot''s default set]'
            cand --api-base 'The API''s address (for tests and proxies)'
            cand --rate 'At most N requests in a window (100/10s is HubSpot''s lowest tier; also N/1s, N/500ms)'
            cand --format 'Output for people (table) or scripts (json) [default: table]'
            cand --color 'When to colour tables [default: auto]'
            cand --with-history 'Also pull each property''s history (propertiesWithHistory; pages of 50, HubSpot''s limit with history)'
            cand --associations 'Also pull the associated companies, deals and tickets'
            cand -q 'No progress, summaries or warnings on stderr (errors still show)'
            cand --quiet 'No progress, summaries or warnings on stderr (errors still show)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'contact-merge;push'= {
            cand --plan 'The plan: CSV primary_id,secondary_id or JSON [{"primary","secondary"}]'
            cand --log 'The push log (JSON Lines): every call''s outcome, appended; a second run with the same log resumes'
            cand --max-merges 'Refuse merges whose contacts together already took part in this many merges (HubSpot''s limit: leave it unless HubSpot raised yours)'
            cand --lifecycle-order 'Custom lifecycle stage order, lowest first, or @FILE (as for `apply`: the plan is checked the way `apply` checks it)'
            cand --api-base 'The API''s address (for tests and proxies)'
            cand --rate 'At most N requests in a window (100/10s is HubSpot''s lowest tier; also N/1s, N/500ms)'
            cand --format 'Output for people (table) or scripts (json) [default: table]'
            cand --color 'When to colour tables [default: auto]'
            cand --input-format 'Format of the input file (default: from its extension)'
            cand --date-order 'Order of slashed dates such as 03/04/2024 when no date in the file has a day over 12 to decide (dmy: day first, mdy: month first)'
            cand --properties 'The portal''s property definitions (the JSON of HubSpot''s GET /crm/v3/properties/contacts): labels in the portal''s language, custom properties'' types, option labels'
            cand --delimiter 'The delimiter of a CSV export: , ; or tab (default: sniffed from the header row); written back as read'
            cand --dry-run 'Check the plan and show what would be sent: each pair with the ids it would be sent with (after the merges before it), or that the log has it done; send nothing, write no log'
            cand -q 'No progress, summaries or warnings on stderr (errors still show)'
            cand --quiet 'No progress, summaries or warnings on stderr (errors still show)'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'contact-merge;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'contact-merge;man'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'contact-merge;help'= {
            cand show 'Show contacts as a table (property | value), sections summarised'
            cand check 'Validate exports: ids, emails, dates, lifecycle stages, numbers. Reports every problem; exit 1 when any is found'
            cand diff 'Preview a merge: property | primary | secondary | merged | rule, and what happens to every section. Never writes a file'
            cand merge 'Merge SECONDARY into PRIMARY and write the whole export'
            cand apply 'Apply a plan of merges (CSV primary_id,secondary_id or JSON [{"primary","secondary"}]), all or nothing unless --keep-going'
            cand unmerge 'Split an additional email off a contact into a new contact, or restore a merged-away contact from the merge journal'
            cand dupes 'Find likely duplicate contacts and write them as a plan `apply` runs'
            cand pull 'Pull every contact from a HubSpot portal into an export (JSON, JSON Lines, CSV or XLSX, by -o''s extension)'
            cand push 'Send a plan''s merges to a HubSpot portal, pair by pair, resumable'
            cand completions 'Print shell completions (bash, elvish, fish, powershell, zsh) generated from this command''s definition'
            cand man 'Print the man page (roff) generated from this command''s definition'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'contact-merge;help;show'= {
        }
        &'contact-merge;help;check'= {
        }
        &'contact-merge;help;diff'= {
        }
        &'contact-merge;help;merge'= {
        }
        &'contact-merge;help;apply'= {
        }
        &'contact-merge;help;unmerge'= {
        }
        &'contact-merge;help;dupes'= {
        }
        &'contact-merge;help;pull'= {
        }
        &'contact-merge;help;push'= {
        }
        &'contact-merge;help;completions'= {
        }
        &'contact-merge;help;man'= {
        }
        &'contact-merge;help;help'= {
        }
    ]
    $completions[$command]
}
