"""vivo.reports"""
