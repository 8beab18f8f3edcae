"""The paper-intake bot of Awesome Video Instance Segmentation.

The modules follow the flow: a webhook comes in (``app``), the issue form is
parsed (``form_parser``), the paper is validated against the schema and the
list (``papers``), the table is rendered (``table``), and GitHub is acted on
(``github_ops``).
"""
